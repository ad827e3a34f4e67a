/**
 * The playground's form values and the request body they become (POST /api/playground/generate).
 * Pure, shared by the browser form and its tests.
 */

/** Sampling settings as typed in the form (strings, so a half-typed number stays editable). */
export interface SamplingSettings {
  topK: string;
  temperature: string;
  topP: string;
  maxTokens: string;
  seed: string;
  /** One stop string per line; "\n" and "\t" typed as two characters mean a newline and a tab. */
  stop: string;
}

export function defaultSettings(topK: number): SamplingSettings {
  return { topK: String(topK), temperature: "0.8", topP: "0.95", maxTokens: "200", seed: "1", stop: "" };
}

/** "\n" and "\t" typed as two characters become a newline and a tab; "\\" a backslash. */
export function unescapeStop(s: string): string {
  return s.replace(/\\([nt\\])/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));
}

/** The stop strings of the form's text area: one per non-empty line, unescaped. */
export function stopStrings(text: string): string[] {
  return text
    .split("\n")
    .filter((s) => s.length > 0)
    .map(unescapeStop);
}

export interface PlaygroundRequest {
  prompt: string;
  experts: string[];
  topK: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  seed: number;
  stop: string[];
}

/** The request body: the enabled closed experts (the public one is always on) and the numeric settings. */
export function playgroundRequest(
  prompt: string,
  experts: { id: string; alwaysOn: boolean }[],
  enabled: Record<string, boolean>,
  s: SamplingSettings,
): PlaygroundRequest {
  return {
    prompt,
    experts: experts.filter((x) => !x.alwaysOn && enabled[x.id]).map((x) => x.id),
    topK: Number(s.topK),
    temperature: Number(s.temperature),
    topP: Number(s.topP),
    maxTokens: Number(s.maxTokens),
    seed: Number(s.seed),
    stop: stopStrings(s.stop),
  };
}
