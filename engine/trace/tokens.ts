/**
 * Word-level tokens of a response (step 1 of the trace), with UTF-16 and UTF-8 offsets.
 *
 * Tokens are the non-whitespace segments of `Intl.Segmenter` (granularity "word"): words (`word`, the
 * segmenter's isWordLike: letters, digits, CJK words) and other marks (punctuation, symbols, emoji). A span
 * may start only at the start of a word token and end only at the end of a word token or of a delimiter.
 * A delimiter is a sentence-ending mark token; it may only be a span's last token, and the next span starts
 * after it. "." and the full-width "。", "！", "？" are always delimiters. "!" and "?" are delimiters only where
 * a sentence ends: right after a non-space character, and followed (past any closing quotes, brackets or
 * Markdown emphasis marks) by white space or the end of the text. So `index !== -1`, a ternary `a ? b : c`,
 * `?utm_source=` and `options?:` do not cut spans; in "Really?!" only the "!" does. (The price: French
 * spacing, "vraiment ?", is not read as a sentence end.)
 * Hard breaks: no span crosses a newline (LF, CR, NEL, U+2028, U+2029) or any other control character
 * (C0 and C1 controls such as form feed and vertical tab, and lone surrogates); a tab is plain white space.
 */

export interface Token {
  /** UTF-16 offsets into the text, [start, end). */
  start: number;
  end: number;
  /** UTF-8 byte offsets into the text, [byteStart, byteEnd). */
  byteStart: number;
  byteEnd: number;
  text: string;
  /** A word (spans start and end at words). */
  word: boolean;
  /** A sentence-ending mark: ends a run (may only be the last token of a span). */
  delimiter: boolean;
}

/** A stretch of tokens no span crosses: it ends after a delimiter, or before a newline or control character. */
export interface Run {
  /** Token indexes [first, last] (inclusive). */
  first: number;
  last: number;
}

export interface Tokenized {
  text: string;
  bytes: Uint8Array;
  tokens: Token[];
  runs: Run[];
  /** Number of word tokens (L of the span-density rule). */
  words: number;
}

/** Marks that always end a sentence. */
const DELIMITER = /^[.\u3002\uff01\uff1f]$/u;
/** Marks that end a sentence only where one ends (see `endsSentence`). */
const MAYBE_DELIMITER = /^[!?]$/u;
/** What may stand between a sentence-ending "!" or "?" and the white space after it. */
const CLOSER = /["'\u201d\u2019\u00bb)\]}*_]/u;
/** Control characters (C0, C1, lone surrogates, line and paragraph separators). */
const CONTROL = /[\p{Cc}\p{Cs}\u2028\u2029]/u;
/** White space that is a hard break: any control character except tab (so also LF, CR, FF, VT, NEL). */
const BREAK_SPACE = /[^\P{Cc}\t]|[\u2028\u2029]/u;
const SPACE = /^[\s\u200b\ufeff]+$/u;
const WHITE = /[\s\u200b\ufeff]/u;

/**
 * Whether the "!" or "?" at text[at] ends a sentence: it follows a non-space character, and after it come
 * closing marks (quotes, brackets, emphasis) and then white space or the end of the text. Time O(closers).
 */
function endsSentence(text: string, at: number): boolean {
  if (at === 0 || WHITE.test(text[at - 1])) return false;
  let i = at + 1;
  while (i < text.length && CLOSER.test(text[i])) i++;
  return i === text.length || WHITE.test(text[i]) || CONTROL.test(text[i]);
}

let segmenter: Intl.Segmenter | null = null;
function wordSegmenter(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter("en", { granularity: "word" });
  return segmenter;
}

/** UTF-8 length of the code unit at s[i] (a surrogate pair counts 4 on its high half, 0 on its low half). */
function utf8Units(code: number, next: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return 4;
  if (code >= 0xdc00 && code <= 0xdfff) return 3; // lone low surrogate: U+FFFD (pairs are counted on the high half)
  return 3;
}

/**
 * Byte offset (in `new TextEncoder().encode(text)`) of every UTF-16 offset 0..text.length. Lone surrogates
 * encode as U+FFFD (3 bytes), like TextEncoder.
 */
export function utf8Offsets(text: string): Uint32Array {
  const out = new Uint32Array(text.length + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    out[i] = b;
    const c = text.charCodeAt(i);
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue; // low half of a pair: counted with the high half
    }
    b += utf8Units(c, next);
  }
  out[text.length] = b;
  return out;
}

/** Splits a text into tokens and runs. Time O(length). */
export function tokenize(text: string): Tokenized {
  const bytes = new TextEncoder().encode(text);
  const off = utf8Offsets(text);
  const tokens: Token[] = [];
  const runs: Run[] = [];
  let runFirst = 0;
  const closeRun = () => {
    if (tokens.length > runFirst) runs.push({ first: runFirst, last: tokens.length - 1 });
    runFirst = tokens.length;
  };
  let words = 0;
  for (const seg of wordSegmenter().segment(text)) {
    const s = seg.segment;
    if (SPACE.test(s)) {
      if (BREAK_SPACE.test(s)) closeRun();
      continue;
    }
    if (CONTROL.test(s)) {
      // A control character breaks runs; any text around it inside this segment becomes its own tokens.
      let i = 0;
      const parts = s.split(/([\p{Cc}\p{Cs}\u2028\u2029])/u);
      for (const p of parts) {
        if (p === "") continue;
        if (CONTROL.test(p) || SPACE.test(p)) {
          closeRun();
        } else {
          const start = seg.index + i;
          tokens.push({
            start,
            end: start + p.length,
            byteStart: off[start],
            byteEnd: off[start + p.length],
            text: p,
            word: /[\p{L}\p{N}]/u.test(p),
            delimiter: false,
          });
          if (tokens[tokens.length - 1].word) words++;
        }
        i += p.length;
      }
      continue;
    }
    const start = seg.index;
    const end = start + s.length;
    const delimiter = DELIMITER.test(s) || (MAYBE_DELIMITER.test(s) && endsSentence(text, start));
    const word = Boolean(seg.isWordLike);
    tokens.push({ start, end, byteStart: off[start], byteEnd: off[end], text: s, word, delimiter });
    if (word) words++;
    if (delimiter) closeRun();
  }
  closeRun();
  return { text, bytes, tokens, runs, words };
}

/** Lower-cased terms for BM25: letter/digit runs, each Han/kana character a term of its own. Time O(length). */
export function terms(text: string): string[] {
  const out = text
    .toLowerCase()
    .match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{M}\p{N}_]+/gu);
  return out ?? [];
}
