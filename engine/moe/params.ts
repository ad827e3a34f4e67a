import type { ModelConfig } from "./config";
import { mulberry32, normalSampler } from "./prng";
import type { WeightMap } from "./weights";

/**
 * Parameter names. Shared parts: `tok_emb` [vocab, d] (also the output head, tied),
 * `pos_emb` [context, d], per layer `l{i}.attn_norm` [d], `l{i}.wq|wk|wv|wo` [d, d],
 * `l{i}.ffn_norm` [d], and `final_norm` [d]. Each expert `e` owns `e.l{i}.w1` [d, F],
 * `e.l{i}.w2` [F, d], its router row `e.l{i}.router` [d] and (non-public) bias `e.l{i}.bias` [1].
 */
export const sharedNames = (cfg: ModelConfig): string[] => {
  const names = ["tok_emb", "pos_emb", "final_norm"];
  for (let l = 0; l < cfg.layers; l++) {
    for (const p of ["attn_norm", "wq", "wk", "wv", "wo", "ffn_norm"]) names.push(`l${l}.${p}`);
  }
  return names;
};

export const ffnNames = (cfg: ModelConfig, expert: string): string[] => {
  const names: string[] = [];
  for (let l = 0; l < cfg.layers; l++) names.push(`${expert}.l${l}.w1`, `${expert}.l${l}.w2`);
  return names;
};

export const routerNames = (cfg: ModelConfig, expert: string, withBias: boolean): string[] => {
  const names: string[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    names.push(`${expert}.l${l}.router`);
    if (withBias) names.push(`${expert}.l${l}.bias`);
  }
  return names;
};

/**
 * Fresh dense model (shared parts + the public FFN), GPT-2 style init: N(0, 0.02), residual
 * output projections scaled by 1/sqrt(2 * layers) so the residual stream starts near unit scale.
 */
export function initDenseWeights(cfg: ModelConfig, seed: number, expert = "public"): WeightMap {
  const normal = normalSampler(mulberry32(seed));
  const w: WeightMap = new Map();
  const randn = (shape: number[], std: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = normal() * std;
    return { shape, data };
  };
  const ones = (n: number) => ({ shape: [n], data: new Float32Array(n).fill(1) });
  const d = cfg.dModel;
  const resid = 0.02 / Math.sqrt(2 * cfg.layers);
  w.set("tok_emb", randn([cfg.vocab, d], 0.02));
  w.set("pos_emb", randn([cfg.context, d], 0.01));
  for (let l = 0; l < cfg.layers; l++) {
    w.set(`l${l}.attn_norm`, ones(d));
    w.set(`l${l}.wq`, randn([d, d], 0.02));
    w.set(`l${l}.wk`, randn([d, d], 0.02));
    w.set(`l${l}.wv`, randn([d, d], 0.02));
    w.set(`l${l}.wo`, randn([d, d], resid));
    w.set(`l${l}.ffn_norm`, ones(d));
    w.set(`${expert}.l${l}.w1`, randn([d, cfg.ffnHidden], 0.02));
    w.set(`${expert}.l${l}.w2`, randn([cfg.ffnHidden, d], resid));
  }
  w.set("final_norm", ones(d));
  return w;
}
