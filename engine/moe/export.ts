/**
 * ONNX graphs for routed inference. The merged model is split so that only the selected experts'
 * FFNs run for a token:
 *
 *   embed.onnx           ids [1,T] int64, pos [1,T] int64 -> x [1,T,d]
 *   attn.onnx            x [1,T,d], layer [] int64, past_k/past_v [1,H,P,hd], mask [T,P+T]
 *                        -> h [1,T,d] (x + attention), xn [1,T,d] (normed FFN input = router
 *                           input), k_all/v_all [1,H,P+T,hd]
 *   expert-<id>.onnx     x [n,d], layer [] int64 -> y [n,d]  (one file per expert, all layers)
 *   head.onnx            h [1,T,d] -> logits [1,T,V]
 *
 * Per-layer weights are stacked on a leading axis and picked with Gather(layer), which costs
 * one copy of that layer's weights per call (~0.25 MB for attention at d=128) and keeps one file
 * per part. The router is not a graph: each expert's rows and bias live in the manifest
 * (runtime.ts computes xn . r_e + b_e), so installing or removing an expert never rewrites a
 * shared file.
 */
import { GELU_SLOPE, type ModelConfig, NORM_EPS } from "./config";
import { GraphBuilder } from "./graph";
import { getTensor, type WeightMap } from "./weights";

/** The arrays one after another. */
function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The named tensors stacked, in order. */
const stack = (weights: WeightMap, names: string[]) => concat(names.map((n) => getTensor(weights, n).data));

const layerNames = (cfg: ModelConfig, f: (l: number) => string) =>
  Array.from({ length: cfg.layers }, (_, l) => f(l));

function rms(g: GraphBuilder, x: string, gain: string): string {
  const r = g.op("Reciprocal", [
    g.op("Sqrt", [g.add(g.meanAxes(g.mul(x, x), [-1]), g.constF([NORM_EPS], []))]),
  ]);
  return g.mul(g.mul(x, r), gain);
}

export function buildEmbedGraph(cfg: ModelConfig, w: WeightMap): Uint8Array {
  const g = new GraphBuilder("flexolmo_embed");
  const ids = g.input("ids", "int64", [1, "T"]);
  const pos = g.input("pos", "int64", [1, "T"]);
  const E = g.init("tok_emb", getTensor(w, "tok_emb").data, [cfg.vocab, cfg.dModel]);
  const P = g.init("pos_emb", getTensor(w, "pos_emb").data, [cfg.context, cfg.dModel]);
  const x = g.add(g.op("Gather", [E, ids], { axis: 0 }), g.op("Gather", [P, pos], { axis: 0 }));
  g.output(x, "x", "float32", [1, "T", cfg.dModel]);
  return g.toBytes();
}

export function buildAttnGraph(cfg: ModelConfig, w: WeightMap): Uint8Array {
  const d = cfg.dModel;
  const H = cfg.heads;
  const hd = d / H;
  const L = cfg.layers;
  const g = new GraphBuilder("flexolmo_attn");
  const x = g.input("x", "float32", [1, "T", d]);
  const layer = g.input("layer", "int64", []);
  const pastK = g.input("past_k", "float32", [1, H, "P", hd]);
  const pastV = g.input("past_v", "float32", [1, H, "P", hd]);
  const mask = g.input("mask", "float32", ["T", "S"]);
  // One initializer per weight kind, all layers stacked ([L, ...dims]); the graph gathers the `layer` input's.
  const pick = (name: string, dims: number[]) =>
    g.op(
      "Gather",
      [
        g.init(
          name,
          stack(
            w,
            layerNames(cfg, (l) => `l${l}.${name}`),
          ),
          [L, ...dims],
        ),
        layer,
      ],
      { axis: 0 },
    );
  const g1 = pick("attn_norm", [d]);
  const g2 = pick("ffn_norm", [d]);
  const wq = pick("wq", [d, d]);
  const wk = pick("wk", [d, d]);
  const wv = pick("wv", [d, d]);
  const wo = pick("wo", [d, d]);

  const a = rms(g, x, g1);
  const heads = (m: string) => g.transpose(g.reshape(g.matmul(a, m), [1, -1, H, hd]), [0, 2, 1, 3]);
  const kAll = g.op("Concat", [pastK, heads(wk)], { axis: 2 });
  const vAll = g.op("Concat", [pastV, heads(wv)], { axis: 2 });
  const S = g.add(g.scale(g.matmul(heads(wq), g.transpose(kAll, [0, 1, 3, 2])), 1 / Math.sqrt(hd)), mask);
  const o = g.reshape(g.transpose(g.matmul(g.op("Softmax", [S], { axis: -1 }), vAll), [0, 2, 1, 3]), [
    1,
    -1,
    d,
  ]);
  const h = g.add(x, g.matmul(o, wo));
  const xn = rms(g, h, g2);
  g.output(h, "h", "float32", [1, "T", d]);
  g.output(xn, "xn", "float32", [1, "T", d]);
  g.output(kAll, "k_all", "float32", [1, H, "S", hd]);
  g.output(vAll, "v_all", "float32", [1, H, "S", hd]);
  return g.toBytes();
}

/** One expert's FFN for every layer; `w1`/`w2` name that expert's weights per layer. */
export function buildExpertGraph(cfg: ModelConfig, w1: Float32Array[], w2: Float32Array[]): Uint8Array {
  const d = cfg.dModel;
  const F = w1[0] ? w1[0].length / d : cfg.ffnHidden;
  const L = cfg.layers;
  const g = new GraphBuilder("flexolmo_expert");
  const x = g.input("x", "float32", ["n", d]);
  const layer = g.input("layer", "int64", []);
  const W1 = g.op("Gather", [g.init("w1", concat(w1), [L, d, F]), layer], { axis: 0 });
  const W2 = g.op("Gather", [g.init("w2", concat(w2), [L, F, d]), layer], { axis: 0 });
  const u = g.matmul(x, W1);
  const act = g.mul(u, g.op("Sigmoid", [g.scale(u, GELU_SLOPE)]));
  g.output(g.matmul(act, W2), "y", "float32", ["n", d]);
  return g.toBytes();
}

export function expertFfn(
  cfg: ModelConfig,
  w: WeightMap,
  id: string,
): { w1: Float32Array[]; w2: Float32Array[] } {
  return {
    w1: layerNames(cfg, (l) => `${id}.l${l}.w1`).map((n) => getTensor(w, n).data),
    w2: layerNames(cfg, (l) => `${id}.l${l}.w2`).map((n) => getTensor(w, n).data),
  };
}

export function buildHeadGraph(cfg: ModelConfig, w: WeightMap): Uint8Array {
  const g = new GraphBuilder("flexolmo_head");
  const h = g.input("h", "float32", [1, "T", cfg.dModel]);
  const gain = g.init("final_norm", getTensor(w, "final_norm").data, [cfg.dModel]);
  // Tied output head: the token embedding stored transposed, [d, V].
  const E = getTensor(w, "tok_emb").data;
  const Et = new Float32Array(E.length);
  for (let v = 0; v < cfg.vocab; v++)
    for (let i = 0; i < cfg.dModel; i++) Et[i * cfg.vocab + v] = E[v * cfg.dModel + i] as number;
  const head = g.init("tok_emb_t", Et, [cfg.dModel, cfg.vocab]);
  g.output(g.matmul(rms(g, h, gain), head), "logits", "float32", [1, "T", cfg.vocab]);
  return g.toBytes();
}
