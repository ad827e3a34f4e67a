/**
 * Splits streamed content into answer text and reasoning where a model writes its reasoning inline as
 * `<think>…</think>` (Qwen3, DeepSeek-R1 and their distillations served without a reasoning parser: Ollama
 * before it had a `reasoning` field, llama.cpp with --reasoning-format none, vLLM without --reasoning-parser).
 * Tags may arrive cut across chunks ("<thi" + "nk>"): text that could be the start of a tag is held back
 * until the next piece says what it is, so no fragment of a tag ever reaches the answer. Pure; O(total
 * length) over a stream.
 *
 * Some servers strip the opening tag: the chat template of DeepSeek-R1 (and of its distillations, and of
 * Qwen3 with thinking forced on) ends the prompt with `<think>\n`, so the reply starts inside the reasoning
 * and only `</think>` appears. Nothing tells such a stream from a plain answer until that `</think>`: when
 * it comes before any `<think>`, everything given out as answer so far was reasoning, and the splitter says
 * so with a `moved` piece (the reader moves it over). A caller that already knows the model does this passes
 * `startsInside`, and the reasoning never shows as answer; if such a stream then ends without `</think>`,
 * a `moved` piece gives everything back to the answer (the model did not reason this time).
 */
export type SplitPiece =
  | { kind: "text"; text: string }
  | { kind: "reasoning"; text: string }
  /** Everything given out so far as the other kind belongs to `to`. */
  | { kind: "moved"; to: "reasoning" | "answer" };

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
  private inside: boolean;
  private held = "";
  /** Whether any answer text was given out yet (leading whitespace before a <think> is not answer). */
  private answered = false;
  /** Whether a tag was seen: only the first tag can be a bare </think> (an opening tag stripped). */
  private sawTag = false;
  /** Whether anything was given out as reasoning while assuming the stream starts inside. */
  private reasoned = false;

  constructor(options: { startsInside?: boolean } = {}) {
    this.inside = options.startsInside === true;
  }

  /** The pieces `chunk` completes, in order. */
  push(chunk: string): SplitPiece[] {
    const out: SplitPiece[] = [];
    let s = this.held + chunk;
    this.held = "";
    for (;;) {
      if (!this.sawTag) {
        // Before the first tag, either tag may come: an opening one (a block, or the opening a stream that
        // starts inside repeats), or a bare closing one (the opening was stripped).
        const lead = /^\s*/.exec(s)?.[0].length ?? 0;
        const open = s.indexOf(OPEN);
        const close = s.indexOf(CLOSE);
        if (open >= 0 && (close < 0 || open < close) && (!this.inside || open === lead)) {
          if (!this.inside) this.emit(out, s.slice(0, open));
          this.inside = true;
          this.sawTag = true;
          s = s.slice(open + OPEN.length);
          continue;
        }
        if (close >= 0) {
          if (!this.inside) out.push({ kind: "moved", to: "reasoning" });
          this.inside = true;
          this.emit(out, s.slice(0, close));
          this.inside = false;
          this.answered = false;
          this.sawTag = true;
          s = s.slice(close + CLOSE.length).replace(/^\s+/, "");
          continue;
        }
        // Inside from the start, a leading <think> may still be arriving: hold the start back until it is
        // clear (nothing but whitespace and a prefix of the tag).
        if (
          this.inside &&
          !this.reasoned &&
          OPEN.startsWith(s.slice(lead)) &&
          s.length < lead + OPEN.length
        ) {
          this.held = s;
          return out;
        }
        const keep = Math.max(partialTagAt(s, OPEN), partialTagAt(s, CLOSE));
        this.held = s.slice(s.length - keep);
        this.emit(out, s.slice(0, s.length - keep));
        return out;
      }
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
    if (!this.sawTag && this.inside) {
      // Assumed to start inside, but no </think> came: it was all answer.
      this.inside = false;
      if (this.reasoned) out.push({ kind: "moved", to: "answer" });
    }
    this.emit(out, this.held);
    this.held = "";
    return out;
  }

  private emit(out: SplitPiece[], text: string) {
    if (!text) return;
    if (this.inside) {
      if (!this.sawTag) this.reasoned = true;
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
