import type { Rng } from "./prng";

/**
 * Next byte from logits [V]: greedy when temperature == 0; otherwise softmax(logits / T)
 * restricted to the smallest set of most probable bytes whose mass reaches topP (nucleus).
 * Time O(V log V).
 */
export function sampleNext(logits: ArrayLike<number>, temperature: number, topP: number, rng: Rng): number {
  const V = logits.length;
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
    return best;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[i] as number);
  const order: { id: number; p: number }[] = [];
  let sum = 0;
  for (let i = 0; i < V; i++) {
    const p = Math.exp(((logits[i] as number) - max) / temperature);
    order.push({ id: i, p });
    sum += p;
  }
  order.sort((a, b) => b.p - a.p || a.id - b.id);
  let kept = 0;
  let mass = 0;
  while (kept < V && (kept === 0 || mass / sum < topP)) {
    mass += (order[kept] as { p: number }).p;
    kept++;
  }
  let u = rng() * mass;
  for (let i = 0; i < kept; i++) {
    u -= (order[i] as { p: number }).p;
    if (u <= 0) return (order[i] as { id: number }).id;
  }
  return (order[kept - 1] as { id: number }).id;
}
