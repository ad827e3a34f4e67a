/**
 * One training step of the byte-level transformer as a single ONNX graph: forward pass, mean
 * cross-entropy and hand-written backward pass for the requested parameters, so that
 * onnxruntime-node (about 10x faster than tfjs-wasm on this machine) does the heavy lifting.
 * Parameters are graph inputs, gradients are graph outputs; Adam runs in TypeScript
 * (see trainer.ts). The test suite checks loss and gradients against TensorFlow.js autodiff.
 *
 * Shapes: B = batch, T = sequence length (<= context), N = B*T, d = dModel, H = heads,
 * hd = d/H, F = ffnHidden, V = vocab.
 */
import { GELU_SLOPE, type ModelConfig, NORM_EPS } from "./config";
import { GraphBuilder } from "./graph";
import { ffnNames, routerNames, sharedNames } from "./params";

export interface StepExpert {
  id: string;
  /** Has a learned router bias (every expert but the public one). */
  hasBias: boolean;
}

export interface StepGraphOptions {
  batch: number;
  seqLen: number;
  /** One expert: a dense model. Several: a MoE whose FFN is the router-weighted sum of all. */
  experts: StepExpert[];
  /** Parameters that get a gradient output `grad:<name>`; empty for a forward-only graph. */
  trainable: Set<string>;
  /** Also output `hidden_mean` [layers, d]: the mean router input (normed FFN input) per layer. */
  hiddenMeans?: boolean;
}

export interface StepGraph {
  bytes: Uint8Array;
  /** Parameter inputs, in a fixed order. */
  paramNames: string[];
  paramShapes: Map<string, number[]>;
}

export function paramShapes(cfg: ModelConfig, experts: StepExpert[]): Map<string, number[]> {
  const d = cfg.dModel;
  const shapes = new Map<string, number[]>();
  for (const n of sharedNames(cfg)) {
    if (n === "tok_emb") shapes.set(n, [cfg.vocab, d]);
    else if (n === "pos_emb") shapes.set(n, [cfg.context, d]);
    else if (n.endsWith("norm")) shapes.set(n, [d]);
    else shapes.set(n, [d, d]);
  }
  for (const e of experts) {
    for (const n of ffnNames(cfg, e.id))
      shapes.set(n, n.endsWith("w1") ? [d, cfg.ffnHidden] : [cfg.ffnHidden, d]);
    if (experts.length > 1) {
      for (const n of routerNames(cfg, e.id, e.hasBias)) shapes.set(n, n.endsWith("router") ? [d] : [1]);
    }
  }
  return shapes;
}

export function buildStepGraph(cfg: ModelConfig, opts: StepGraphOptions): StepGraph {
  const { batch: B, seqLen: T, experts, trainable } = opts;
  if (T > cfg.context) throw new Error(`seqLen ${T} exceeds context ${cfg.context}`);
  const N = B * T;
  const d = cfg.dModel;
  const H = cfg.heads;
  const hd = d / H;
  const V = cfg.vocab;
  const L = cfg.layers;
  const moe = experts.length > 1;
  const g = new GraphBuilder("flexolmo_step");
  const shapes = paramShapes(cfg, experts);
  const paramNames = [...shapes.keys()];
  for (const n of paramNames) g.input(n, "float32", shapes.get(n) as number[]);
  const ids = g.input("ids", "int64", [B, T]);
  const targets = g.input("targets", "int64", [B, T]);
  const backward = trainable.size > 0;
  const grads = new Map<string, string>();
  const addGrad = (name: string, value: string) => {
    if (!trainable.has(name)) return;
    const prev = grads.get(name);
    grads.set(name, prev ? g.add(prev, value) : value);
  };
  const attnScale = 1 / Math.sqrt(hd);

  // x [N, d] -> (y, xhat, r) with y = g * x * r, r = 1/sqrt(mean(x^2) + eps)
  const rms = (x: string, gain: string) => {
    const r = g.op("Reciprocal", [
      g.op("Sqrt", [g.add(g.meanAxes(g.mul(x, x), [-1]), g.constF([NORM_EPS], []))]),
    ]);
    const xhat = g.mul(x, r);
    return { y: g.mul(xhat, gain), xhat, r };
  };
  // dx = r * (dy*g - xhat * mean(dy*g*xhat)), dg = sum_N(dy * xhat)
  const rmsBack = (saved: { xhat: string; r: string }, gain: string, gainName: string, dy: string) => {
    if (trainable.has(gainName)) addGrad(gainName, g.sumAxes(g.mul(dy, saved.xhat), [0], 0));
    const dyg = g.mul(dy, gain);
    return g.mul(saved.r, g.sub(dyg, g.mul(saved.xhat, g.meanAxes(g.mul(dyg, saved.xhat), [-1]))));
  };
  const toHeads = (x: string) => g.transpose(g.reshape(x, [B, T, H, hd]), [0, 2, 1, 3]);
  const fromHeads = (x: string) => g.reshape(g.transpose(x, [0, 2, 1, 3]), [N, d]);
  const swapLast = (x: string) => g.transpose(x, [0, 1, 3, 2]);

  // ---- forward ----
  const causal = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) causal[i * T + j] = -1e9;
  const mask = g.init("causal_mask", causal, [T, T]);
  const idsFlat = g.reshape(ids, [N]);
  const pos = g.op("Slice", ["pos_emb", g.constI([0]), g.constI([T]), g.constI([0])]);
  let x = g.reshape(g.add(g.reshape(g.op("Gather", ["tok_emb", idsFlat], { axis: 0 }), [B, T, d]), pos), [
    N,
    d,
  ]);
  interface FfnSaved {
    u: string;
    sig: string;
    act: string;
    out: string;
  }
  interface LayerSaved {
    a1: { xhat: string; r: string };
    a: string;
    qh: string;
    kh: string;
    vh: string;
    P: string;
    o: string;
    a2: { xhat: string; r: string };
    xn: string;
    ffn: FfnSaved[];
    probs: string[];
  }
  const saved: LayerSaved[] = [];
  const ffnFwd = (xn: string, e: string, l: number): FfnSaved => {
    const u = g.matmul(xn, `${e}.l${l}.w1`);
    const sig = g.op("Sigmoid", [g.scale(u, GELU_SLOPE)]);
    const act = g.mul(u, sig);
    return { u, sig, act, out: g.matmul(act, `${e}.l${l}.w2`) };
  };
  const hiddenMeans: string[] = [];
  for (let l = 0; l < L; l++) {
    const n1 = rms(x, `l${l}.attn_norm`);
    const a = n1.y;
    const qh = toHeads(g.matmul(a, `l${l}.wq`));
    const kh = toHeads(g.matmul(a, `l${l}.wk`));
    const vh = toHeads(g.matmul(a, `l${l}.wv`));
    const S = g.add(g.scale(g.matmul(qh, swapLast(kh)), attnScale), mask);
    const P = g.op("Softmax", [S], { axis: -1 });
    const o = fromHeads(g.matmul(P, vh));
    x = g.add(x, g.matmul(o, `l${l}.wo`));
    const n2 = rms(x, `l${l}.ffn_norm`);
    const xn = n2.y;
    if (opts.hiddenMeans) hiddenMeans.push(g.meanAxes(xn, [0], 1));
    const ffn = experts.map((e) => ffnFwd(xn, e.id, l));
    const probs: string[] = [];
    let y: string;
    if (!moe) {
      y = (ffn[0] as FfnSaved).out;
    } else {
      const logits = experts.map((e) => {
        const z = g.matmul(xn, g.reshape(`${e.id}.l${l}.router`, [d, 1]));
        return e.hasBias ? g.add(z, `${e.id}.l${l}.bias`) : z;
      });
      const p = g.op("Softmax", [g.op("Concat", logits, { axis: 1 })], { axis: 1 });
      y = "";
      experts.forEach((_, i) => {
        const pi = g.op("Slice", [p, g.constI([i]), g.constI([i + 1]), g.constI([1])]);
        probs.push(pi);
        const term = g.mul((ffn[i] as FfnSaved).out, pi);
        y = y ? g.add(y, term) : term;
      });
    }
    x = g.add(x, y);
    saved.push({ a1: n1, a, qh, kh, vh, P, o, a2: n2, xn, ffn, probs });
  }
  const nf = rms(x, "final_norm");
  const logits = g.gemm(nf.y, "tok_emb", 0, 1); // [N, V]
  const oneHotT = g.op("OneHot", [g.reshape(targets, [N]), g.constI([V], []), g.constF([0, 1])], {
    axis: -1,
  });
  const logp = g.op("LogSoftmax", [logits], { axis: -1 });
  const loss = g.scale(g.sumAxes(g.mul(oneHotT, logp), [0, 1], 0), -1 / N);
  g.output(loss, "loss", "float32", []);
  if (opts.hiddenMeans) {
    g.output(g.op("Concat", hiddenMeans, { axis: 0 }), "hidden_mean", "float32", [L, d]);
  }

  // ---- backward ----
  if (backward) {
    const dlogits = g.scale(g.sub(g.op("Softmax", [logits], { axis: -1 }), oneHotT), 1 / N);
    addGrad("tok_emb", g.gemm(dlogits, nf.y, 1, 0));
    let dx = rmsBack(nf, "final_norm", "final_norm", g.matmul(dlogits, "tok_emb"));
    const ffnBack = (s: FfnSaved, e: string, l: number, dout: string, xn: string): string => {
      const w1 = `${e}.l${l}.w1`;
      const w2 = `${e}.l${l}.w2`;
      addGrad(w2, g.gemm(s.act, dout, 1, 0));
      const dact = g.gemm(dout, w2, 0, 1);
      // d/du [u * sig(k u)] = sig + k u sig (1 - sig)
      const dsig = g.add(
        s.sig,
        g.mul(g.scale(s.u, GELU_SLOPE), g.mul(s.sig, g.sub(g.constF([1], []), s.sig))),
      );
      const du = g.mul(dact, dsig);
      addGrad(w1, g.gemm(xn, du, 1, 0));
      return g.gemm(du, w1, 0, 1);
    };
    for (let l = L - 1; l >= 0; l--) {
      const s = saved[l] as LayerSaved;
      let dxn: string;
      if (!moe) {
        dxn = ffnBack(s.ffn[0] as FfnSaved, (experts[0] as StepExpert).id, l, dx, s.xn);
      } else {
        // y = sum_i p_i f_i ; p = softmax(z)
        const dps = experts.map((_, i) => g.sumAxes(g.mul(dx, (s.ffn[i] as FfnSaved).out), [1], 1));
        let dot = "";
        experts.forEach((_, i) => {
          const t = g.mul(s.probs[i] as string, dps[i] as string);
          dot = dot ? g.add(dot, t) : t;
        });
        dxn = "";
        experts.forEach((e, i) => {
          const pi = s.probs[i] as string;
          const fe = ffnBack(s.ffn[i] as FfnSaved, e.id, l, g.mul(dx, pi), s.xn);
          const dz = g.mul(pi, g.sub(dps[i] as string, dot)); // [N, 1]
          const rName = `${e.id}.l${l}.router`;
          addGrad(rName, g.reshape(g.gemm(s.xn, dz, 1, 0), [d]));
          if (e.hasBias) addGrad(`${e.id}.l${l}.bias`, g.sumAxes(dz, [0], 0));
          const viaRouter = g.mul(dz, g.reshape(rName, [1, d]));
          const both = g.add(fe, viaRouter);
          dxn = dxn ? g.add(dxn, both) : both;
        });
      }
      dx = g.add(dx, rmsBack(s.a2, `l${l}.ffn_norm`, `l${l}.ffn_norm`, dxn));
      // attention block: x_mid = x_in + o Wo
      addGrad(`l${l}.wo`, g.gemm(s.o, dx, 1, 0));
      const dOh = toHeads(g.gemm(dx, `l${l}.wo`, 0, 1));
      const dP = g.matmul(dOh, swapLast(s.vh));
      const dvh = g.matmul(swapLast(s.P), dOh);
      const dS = g.scale(g.mul(s.P, g.sub(dP, g.sumAxes(g.mul(dP, s.P), [-1], 1))), attnScale);
      const dqh = g.matmul(dS, s.kh);
      const dkh = g.matmul(swapLast(dS), s.qh);
      const dq = fromHeads(dqh);
      const dk = fromHeads(dkh);
      const dv = fromHeads(dvh);
      addGrad(`l${l}.wq`, g.gemm(s.a, dq, 1, 0));
      addGrad(`l${l}.wk`, g.gemm(s.a, dk, 1, 0));
      addGrad(`l${l}.wv`, g.gemm(s.a, dv, 1, 0));
      const da = g.add(
        g.add(g.gemm(dq, `l${l}.wq`, 0, 1), g.gemm(dk, `l${l}.wk`, 0, 1)),
        g.gemm(dv, `l${l}.wv`, 0, 1),
      );
      dx = g.add(dx, rmsBack(s.a1, `l${l}.attn_norm`, `l${l}.attn_norm`, da));
    }
    if (trainable.has("tok_emb")) {
      const oneHotIds = g.op("OneHot", [idsFlat, g.constI([V], []), g.constF([0, 1])], { axis: -1 });
      addGrad("tok_emb", g.gemm(oneHotIds, dx, 1, 0));
    }
    if (trainable.has("pos_emb")) {
      const dpos = g.sumAxes(g.reshape(dx, [B, T, d]), [0], 0); // [T, d]
      addGrad(
        "pos_emb",
        T === cfg.context ? dpos : g.op("Pad", [dpos, g.constI([0, 0, cfg.context - T, 0])]),
      );
    }
    for (const name of trainable) {
      const value = grads.get(name);
      if (!value) throw new Error(`no gradient path to ${name}`);
      g.output(value, `grad:${name}`, "float32", shapes.get(name) as number[]);
    }
  }
  return { bytes: g.toBytes(), paramNames, paramShapes: shapes };
}
