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

/** Name of the domain whose expert is always enabled. */
export const PUBLIC_DOMAIN = "public";

/** RMSNorm epsilon; the same value is used in tfjs training and in the ONNX graphs. */
export const NORM_EPS = 1e-5;

/** Slope of the sigmoid approximation of GELU: gelu(x) ~= x * sigmoid(1.702 x). */
export const GELU_SLOPE = 1.702;
