/**
 * Splits streamed content into answer text and reasoning where a model writes its reasoning inline as
 * `<think>…</think>` (Qwen3, DeepSeek-R1 and their distillations served without a reasoning parser: Ollama
 * before it had a `reasoning` field, llama.cpp with --reasoning-format none, vLLM without --reasoning-parser).
 * Tags may arrive cut across chunks ("<thi" + "nk>"): text that could be the start of a tag is held back
 * until the next piece says what it is, so no fragment of a tag ever reaches the answer. Pure; O(total
 * length) over a stream.
 */
export type SplitPiece = { kind: "text" | "reasoning"; text: string };

const OPEN = "<think>";
const CLOSE = "</think>";

/** Length of the longest suffix of `s` that is a proper prefix of `tag` (0 when none). */
function partialTagAt(s: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, s.length); n > 0; n--) {
    if (s.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

export class ThinkTagSplitter {
  private inside = false;
  private held = "";
  /** Whether any answer text was given out yet (leading whitespace before a <think> is not answer). */
  private answered = false;

  /** The pieces `chunk` completes, in order. */
  push(chunk: string): SplitPiece[] {
    const out: SplitPiece[] = [];
    let s = this.held + chunk;
    this.held = "";
    for (;;) {
      const tag = this.inside ? CLOSE : OPEN;
      const i = s.indexOf(tag);
      if (i < 0) break;
      this.emit(out, s.slice(0, i));
      this.inside = !this.inside;
      s = s.slice(i + tag.length);
      // The blank line a model writes after </think> is not part of the answer.
      if (!this.inside && !this.answered) s = s.replace(/^\s+/, "");
    }
    const keep = partialTagAt(s, this.inside ? CLOSE : OPEN);
    this.held = s.slice(s.length - keep);
    this.emit(out, s.slice(0, s.length - keep));
    return out;
  }

  /** The rest at the end of the stream (a held tag prefix that never completed is text after all). */
  flush(): SplitPiece[] {
    const out: SplitPiece[] = [];
    this.emit(out, this.held);
    this.held = "";
    return out;
  }

  private emit(out: SplitPiece[], text: string) {
    if (!text) return;
    if (this.inside) {
      out.push({ kind: "reasoning", text });
      return;
    }
    if (!this.answered) {
      // Whitespace before the first word stays held: the answer may still open with <think>.
      const lead = /^\s*/.exec(text)?.[0] ?? "";
      if (lead.length === text.length) {
        this.held = text + this.held;
        return;
      }
      this.answered = true;
      text = text.slice(lead.length);
    }
    out.push({ kind: "text", text });
  }
}
