import type { TraceRules } from "@/lib/trace/form-rules";

export type Level = TraceRules["levels"][number]["level"];

/** Tint of a highlighted span or document by relevance level. */
export const SHADE: Record<Level, string> = {
  high: "bg-amber-400/80 dark:bg-amber-500/70",
  medium: "bg-amber-200 dark:bg-amber-700/60",
  low: "bg-amber-100 dark:bg-amber-900/50",
};
