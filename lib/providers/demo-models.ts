/**
 * Which contenders are the tiny demo model: the FlexOlmo-mini configurations ("local" models) a fresh install
 * seeds. FlexOlmo-mini is a 4-layer byte-level model trained on 63 MB; it shows how experts are switched
 * on and off, but it cannot answer a question readably. Everywhere a model's name is shown (arena reveal,
 * leaderboard, admin, playground) it carries DEMO_LABEL, and the arena pairs readable contenders first
 * (lib/arena/pairs.ts). Pure and client-safe.
 */
export const DEMO_LABEL = "tiny demo model";

export const DEMO_EXPLANATION =
  "FlexOlmo-mini is a tiny byte-level demo model (4 layers, trained on 63 MB of text): it shows how experts are switched on and off, but its answers are not readable text.";

/** True for the built-in FlexOlmo-mini configurations. */
export function isDemoModel(kind: string): boolean {
  return kind === "local";
}

/** Whether a contender writes readable answers: every kind but the demo model (real models, the extractive baseline). */
export function isReadableModel(kind: string): boolean {
  return !isDemoModel(kind);
}
