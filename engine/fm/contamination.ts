/**
 * Benchmark contamination as infini-gram mini measures it: the share of an entry's probes (50-character
 * substrings at word starts) found anywhere in the index, labelled clean, suspicious or dirty.
 * The search itself is FmIndex.contamination.
 */

export interface ContaminationEntry {
  id?: string;
  text: string;
}

export type ContaminationLabel = "clean" | "suspicious" | "dirty";

export interface ContaminationResult {
  id: string;
  /** Probes checked: 50-character substrings starting at word starts (the whole text if shorter). */
  probes: number;
  found: number;
  share: number;
  label: ContaminationLabel;
}

/** infini-gram mini's thresholds: clean below 20% of probes found, suspicious below 80%, dirty otherwise. */
export function contaminationLabel(share: number): ContaminationLabel {
  return share < 0.2 ? "clean" : share < 0.8 ? "suspicious" : "dirty";
}

/** The probes of one text: every 50-code-point substring that starts at a word start. Time O(len). */
export function contaminationProbes(text: string, width = 50): string[] {
  const chars = Array.from(text);
  const probes: string[] = [];
  const space = /\s/u;
  for (let i = 0; i + width <= chars.length; i++) {
    if (space.test(chars[i])) continue;
    if (i > 0 && !space.test(chars[i - 1])) continue;
    probes.push(chars.slice(i, i + width).join(""));
  }
  const trimmed = text.trim();
  if (probes.length === 0 && trimmed !== "") probes.push(trimmed);
  return probes;
}
