/**
 * Answers that reveal who wrote them break the arena's anonymity, so such battles are flagged and kept out
 * of the ratings. Pure.
 *
 * An answer is flagged when it names a model, model family or provider (the battle's own contenders, any
 * registered model, or a well-known vendor) that the question and the retrieved passages do not mention:
 * a paper about FlexOlmo may be quoted by name, but "As an OpenAI model, ..." may not.
 */

/** Well-known model families and vendors, matched as whole words, case-insensitively. */
export const KNOWN_MODEL_NAMES = [
  "gpt",
  "chatgpt",
  "openai",
  "claude",
  "anthropic",
  "llama",
  "gemini",
  "bard",
  "deepmind",
  "mistral",
  "mixtral",
  "qwen",
  "deepseek",
  "olmo",
  "flexolmo",
  "allen institute",
  "vllm",
] as const;

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function mentions(text: string, name: string): boolean {
  // Word edges: not a letter or digit on either side, so "gpt" matches "GPT-4" but not "egpts".
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(name)}($|[^\\p{L}\\p{N}])`, "iu").test(text);
}

/**
 * The first name the answer gives away, or null. `names` are the registered model names (provider names and
 * their upstream model names); `context` is the question plus the passages' text and paper titles.
 */
export function revealedModelName(answer: string, names: readonly string[], context: string): string | null {
  const candidates = new Set<string>();
  for (const n of [...names, ...KNOWN_MODEL_NAMES]) {
    const t = n.trim().toLowerCase();
    if (t.length >= 3) candidates.add(t);
  }
  for (const name of candidates) {
    if (mentions(answer, name) && !mentions(context, name)) return name;
  }
  return null;
}
