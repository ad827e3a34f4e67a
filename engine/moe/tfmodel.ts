/**
 * The training-time forward pass in TensorFlow.js (wasm backend), written with the functional
 * API only. It must compute exactly what the exported ONNX graphs compute (see onnx-export.ts);
 * the test suite checks the two agree on logits.
 *
 * Shapes: B = batch, T = sequence length, d = dModel, H = heads, hd = d / H, F = ffnHidden.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { GELU_SLOPE, type ModelConfig, NORM_EPS } from "./config";
import type { WeightMap } from "./weights";

let backendReady: Promise<void> | undefined;

/** Selects the wasm backend once per process (about 10x the pure-JS cpu backend here). */
export function initTf(): Promise<void> {
  backendReady ??= (async () => {
    await tf.setBackend("wasm");
    await tf.ready();
  })();
  return backendReady;
}

export type TfParams = Map<string, tf.Variable>;

/** Wraps host weights as tf variables; only names in `trainable` get gradients. */
export function toVariables(weights: WeightMap, trainable: Set<string>): TfParams {
  const out: TfParams = new Map();
  for (const [name, t] of weights) {
    out.set(name, tf.variable(tf.tensor(t.data, t.shape, "float32"), trainable.has(name)));
  }
  return out;
}

/** Copies variables back to host arrays. */
export function fromVariables(params: TfParams): WeightMap {
  const out: WeightMap = new Map();
  for (const [name, v] of params)
    out.set(name, { shape: v.shape.slice(), data: v.dataSync().slice() as Float32Array });
  return out;
}

/** One routed expert of an MoE layer during training: its router row and (non-public) bias. */
export interface ExpertSpec {
  id: string;
  /** Whether this expert has a learned non-positive router bias (all but the public expert). */
  hasBias: boolean;
}

const p = (params: TfParams, name: string): tf.Variable => {
  const v = params.get(name);
  if (!v) throw new Error(`missing parameter ${name}`);
  return v;
};

function rmsNorm(x: tf.Tensor, gain: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), NORM_EPS))), gain);
}

function ffn(x2d: tf.Tensor2D, params: TfParams, expert: string, l: number): tf.Tensor2D {
  const h = tf.matMul(x2d, p(params, `${expert}.l${l}.w1`) as tf.Tensor2D);
  const g = tf.mul(h, tf.sigmoid(tf.mul(h, GELU_SLOPE))) as tf.Tensor2D;
  return tf.matMul(g, p(params, `${expert}.l${l}.w2`) as tf.Tensor2D);
}

/**
 * Router weights of the experts for one layer, x: [N, d] -> [N, E]: softmax over
 * x . r_e + b_e (b_e <= 0 for non-public experts). During training every listed expert is
 * computed (k = E, which is how the two-expert [public, new] model is trained).
 */
export function routerProbs(
  x2d: tf.Tensor2D,
  params: TfParams,
  experts: ExpertSpec[],
  l: number,
): tf.Tensor2D {
  const cols = experts.map((e) => {
    const r = tf.reshape(p(params, `${e.id}.l${l}.router`), [-1, 1]) as tf.Tensor2D;
    const logit = tf.matMul(x2d, r);
    return e.hasBias ? tf.add(logit, p(params, `${e.id}.l${l}.bias`)) : logit;
  });
  return tf.softmax(tf.concat(cols, 1) as tf.Tensor2D) as tf.Tensor2D;
}

/**
 * Logits [B*T, vocab] for byte ids [B, T]. With one expert the FFN is dense; with several,
 * each layer's FFN is the router-weighted sum over all of them (dense over experts).
 * Also returns the normalized FFN inputs per layer when `collectHidden` is set (the
 * router input, used for domain embeddings).
 */
export function forward(
  cfg: ModelConfig,
  params: TfParams,
  ids: tf.Tensor2D,
  experts: ExpertSpec[],
  collectHidden = false,
): { logits: tf.Tensor2D; hidden: tf.Tensor2D[] } {
  const [B, T] = ids.shape;
  const d = cfg.dModel;
  const H = cfg.heads;
  const hd = d / H;
  const oneHot = tf.oneHot(tf.reshape(ids, [-1]) as tf.Tensor1D, cfg.vocab) as tf.Tensor2D;
  let x = tf.add(
    tf.reshape(tf.matMul(oneHot, p(params, "tok_emb") as tf.Tensor2D), [B, T, d]),
    tf.slice(p(params, "pos_emb"), [0, 0], [T, d]),
  );
  const causal = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
  const hidden: tf.Tensor2D[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const a = tf.reshape(rmsNorm(x, p(params, `l${l}.attn_norm`)), [B * T, d]) as tf.Tensor2D;
    const heads = (w: string) =>
      tf.transpose(
        tf.reshape(tf.matMul(a, p(params, `l${l}.${w}`) as tf.Tensor2D), [B, T, H, hd]),
        [0, 2, 1, 3],
      );
    const q = heads("wq");
    const k = heads("wk");
    const v = heads("wv");
    const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), causal));
    const o = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * T, d]) as tf.Tensor2D;
    x = tf.add(x, tf.reshape(tf.matMul(o, p(params, `l${l}.wo`) as tf.Tensor2D), [B, T, d]));
    const xn = tf.reshape(rmsNorm(x, p(params, `l${l}.ffn_norm`)), [B * T, d]) as tf.Tensor2D;
    if (collectHidden) hidden.push(xn);
    let y: tf.Tensor2D;
    if (experts.length === 1) {
      y = ffn(xn, params, (experts[0] as ExpertSpec).id, l);
    } else {
      const probs = routerProbs(xn, params, experts, l);
      const parts = experts.map((e, i) =>
        tf.mul(ffn(xn, params, e.id, l), tf.slice(probs, [0, i], [B * T, 1])),
      ) as tf.Tensor2D[];
      y = tf.addN(parts) as tf.Tensor2D;
    }
    x = tf.add(x, tf.reshape(y, [B, T, d]));
  }
  const h = tf.reshape(rmsNorm(x, p(params, "final_norm")), [B * T, d]) as tf.Tensor2D;
  return { logits: tf.matMul(h, p(params, "tok_emb") as tf.Tensor2D, false, true), hidden };
}

/** Mean next-byte cross-entropy in nats over all B*T positions (targets [B, T]). */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D, vocab: number): tf.Scalar {
  const oh = tf.oneHot(tf.reshape(targets, [-1]) as tf.Tensor1D, vocab);
  return tf.neg(tf.mean(tf.sum(tf.mul(oh, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

export { tf };
