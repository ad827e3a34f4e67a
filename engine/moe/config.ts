/** Shape of the byte-level transformer shared by every stage (training, export, inference). */
export interface ModelConfig {
  /** Vocabulary size: the 256 byte values, no special tokens. */
  vocab: number;
  /** Longest sequence the model attends over (learned positions). */
  context: number;
  /** Width of the residual stream. */
  dModel: number;
  /** Attention heads; dModel / heads is the head width. */
  heads: number;
  /** Transformer blocks. */
  layers: number;
  /** Hidden width of one expert's feed-forward network. */
  ffnHidden: number;
}

/**
 * The committed model. Sized so that the whole pipeline (public model, four experts, merge,
 * export) trains in about half an hour on two CPU cores with the tfjs wasm backend
 * (about 15 GFLOP/s on matmuls) and the merged model stays far below 30 MB.
 */
export const MINI_CONFIG: ModelConfig = {
  vocab: 256,
  context: 256,
  dModel: 128,
  heads: 4,
  layers: 4,
  ffnHidden: 512,
};

export interface Schedule {
  seed: number;
  batch: number;
  seqLen: number;
  publicSteps: number;
  /**
   * Steps of the public model's cosine learning-rate decay (>= publicSteps) and the step where a
   * linear cool-down to 0 at publicSteps begins (see trainer.ts lrAt).
   */
  publicHorizon: number;
  publicCooldownFrom: number;
  publicLr: number;
  expertSteps: number;
  /** Windows per expert training step (the public stage uses `batch`). */
  expertBatch: number;
  expertLr: number;
  /** Windows of domain text averaged for a domain embedding. */
  embedWindows: number;
  /**
   * Expert processes run at once by `all` (default; `--parallel N` overrides). Every stage runs
   * onnxruntime on one thread, so the result does not depend on this.
   */
  parallelExperts: number;
}

/**
 * The shipped schedule: 700 public steps of 16 windows (2.9 M bytes; a cosine decay planned over
 * 1500 steps, cut short by a linear cool-down from step 600) and 1400 steps of 16 windows per
 * expert (5.7 M bytes each; chosen from pilot runs: the learning curve of every domain was still
 * falling at 1000 steps; a rate of 6e-3 was no better than 3e-3 after 200 steps), every stage on one
 * onnxruntime thread. See README (FlexOlmo) for the measured CPU time.
 */
export const MINI_SCHEDULE: Schedule = {
  seed: 20250711,
  batch: 16,
  seqLen: 256,
  publicSteps: 700,
  publicHorizon: 1500,
  publicCooldownFrom: 600,
  publicLr: 4e-3,
  expertSteps: 1400,
  expertBatch: 16,
  expertLr: 3e-3,
  embedWindows: 32,
  parallelExperts: 2,
};

/** Name of the domain whose expert is always enabled. */
export const PUBLIC_DOMAIN = "public";

/** RMSNorm epsilon; the same value is used in tfjs training and in the ONNX graphs. */
export const NORM_EPS = 1e-5;

/** Slope of the sigmoid approximation of GELU: gelu(x) ~= x * sigmoid(1.702 x). */
export const GELU_SLOPE = 1.702;
