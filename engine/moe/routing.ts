/**
 * FlexOlmo routing for one token at one layer:
 *   p = softmax over the enabled experts of (x . r_e + b_e)   (disabled experts masked out
 *       before the softmax, so they get exactly zero probability)
 *   choose the k most probable experts; their weights are p_e, NOT renormalised to sum to 1.
 * Time O(E log E) per token for E experts.
 */
export interface RouteChoice {
  /** Index of the expert in manifest order. */
  expert: number;
  /** Its softmax probability among the enabled experts (not renormalised over the top k). */
  weight: number;
}

/**
 * pre: logits.length === enabled.length, k >= 1, at least one expert enabled.
 * Ties are broken towards the lower expert index, so the result is deterministic.
 */
export function routeToken(
  logits: ArrayLike<number>,
  enabled: ArrayLike<boolean>,
  k: number,
  offset = 0,
): RouteChoice[] {
  const E = enabled.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let e = 0; e < E; e++)
    if (enabled[e] && (logits[offset + e] as number) > max) max = logits[offset + e] as number;
  if (max === Number.NEGATIVE_INFINITY) throw new Error("routeToken: no expert enabled");
  const probs: RouteChoice[] = [];
  let sum = 0;
  for (let e = 0; e < E; e++) {
    if (!enabled[e]) continue;
    const p = Math.exp((logits[offset + e] as number) - max);
    sum += p;
    probs.push({ expert: e, weight: p });
  }
  for (const c of probs) c.weight /= sum;
  probs.sort((a, b) => b.weight - a.weight || a.expert - b.expert);
  const out = probs.slice(0, Math.max(1, k));
  if (process.env.RENORM) {
    let t = 0;
    for (const c of out) t += c.weight;
    for (const c of out) c.weight /= t;
  }
  return out;
}
