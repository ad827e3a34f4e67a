/**
 * Fast reader of Chatbot Arena battle JSONL (`{"model_a","model_b","winner","tstamp", ...}` per line)
 * straight from bytes into a columnar `BattleTable`. Pure: feed it chunks from any source.
 *
 * Why not JSON.parse per line: it builds an object with every field (real exports carry conversations
 * and metadata) and a string per model name, per line; this scanner reads the four fields it needs in
 * place, interns model names by hashing their bytes, and skips other values structurally. It checks the
 * fields it reads strictly and the rest only for balanced structure; every error names its line.
 *
 * This app's exports end with `{"_end":true,"count":N}` (lib/export/end.ts): the parser checks N against the
 * battles read and refuses lines after it; with `requireEnd` a file without that line is refused as cut short.
 */
import { countMismatch, type ExportEnd, ExportEndError, MISSING_END, parseEndObject } from "../export/end";
import { type BattleTable, OUTCOME_A, OUTCOME_B, OUTCOME_BOTHBAD, OUTCOME_TIE } from "./types";

export class BattleParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "BattleParseError";
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;

const KEY_MODEL_A = 1;
const KEY_MODEL_B = 2;
const KEY_WINNER = 3;
const KEY_TSTAMP = 4;
const KEY_OTHER = 0;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 101 || c === 69;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** Streaming parser: `push` chunks in order, then `finish`. */
export class BattleJsonlParser {
  /** The end line, once read. */
  end: ExportEnd | null = null;
  private lineNo = 0;
  private carry: Uint8Array | null = null;
  private n = 0;
  private cap = 1024;
  private modelA = new Int32Array(this.cap);
  private modelB = new Int32Array(this.cap);
  private outcome = new Uint8Array(this.cap);
  private tstamp = new Float64Array(this.cap);
  // Model interning: open addressing on FNV-1a hashes of the name's bytes; slots hold id + 1.
  private names: string[] = [];
  private nameBytes: Uint8Array[] = [];
  private nameHash: number[] = [];
  private slots = new Int32Array(256);
  // Per-line scratch written by the field readers.
  private pos = 0;
  private hash = 0;

  /** `requireEnd`: refuse a file without the export's end line (a download cut short). */
  constructor(private readonly opts: { requireEnd?: boolean } = {}) {}

  /** Parses every complete line of `chunk` (plus bytes carried over from the previous chunk). */
  push(chunk: Uint8Array): void {
    let start = 0;
    if (this.carry) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        const joined = new Uint8Array(this.carry.length + chunk.length);
        joined.set(this.carry);
        joined.set(chunk, this.carry.length);
        this.carry = joined;
        return;
      }
      const line = new Uint8Array(this.carry.length + nl);
      line.set(this.carry);
      line.set(chunk.subarray(0, nl), this.carry.length);
      this.carry = null;
      this.parseLine(line, 0, line.length);
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      this.parseLine(chunk, start, nl);
      start = nl + 1;
    }
    // Copy: callers reuse their read buffer, and Buffer#slice is a view, not a copy.
    if (start < chunk.length) this.carry = Uint8Array.prototype.slice.call(chunk, start);
  }

  /** Parses a final line without a newline and returns the table (arrays trimmed to size). */
  finish(): BattleTable {
    if (this.carry) {
      const line = this.carry;
      this.carry = null;
      this.parseLine(line, 0, line.length);
    }
    if (!this.end && this.opts.requireEnd) this.fail(MISSING_END);
    const n = this.n;
    return {
      models: this.names.slice(),
      length: n,
      modelA: this.modelA.slice(0, n),
      modelB: this.modelB.slice(0, n),
      outcome: this.outcome.slice(0, n),
      tstamp: this.tstamp.slice(0, n),
    };
  }

  private fail(message: string): never {
    throw new BattleParseError(this.lineNo, message);
  }

  private grow(): void {
    this.cap *= 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(this.cap);
      b.set(a);
      return b;
    };
    this.modelA = grow32(this.modelA);
    this.modelB = grow32(this.modelB);
    const o = new Uint8Array(this.cap);
    o.set(this.outcome);
    this.outcome = o;
    const t = new Float64Array(this.cap);
    t.set(this.tstamp);
    this.tstamp = t;
  }

  private skipSpace(buf: Uint8Array, end: number): void {
    let p = this.pos;
    while (p < end && isSpace(buf[p])) p++;
    this.pos = p;
  }

  private expect(buf: Uint8Array, end: number, c: number, what: string): void {
    this.skipSpace(buf, end);
    if (this.pos >= end || buf[this.pos] !== c) {
      this.fail(`expected ${what}${this.pos >= end ? " but the line ended" : ""}`);
    }
    this.pos++;
  }

  /**
   * Scans a string starting at the opening quote; leaves `pos` after the closing quote and `hash` = FNV-1a
   * of its raw bytes. Returns true if it contained a backslash escape (then the raw bytes are not the value).
   */
  private scanString(buf: Uint8Array, end: number): boolean {
    let p = this.pos + 1;
    let h = 0x811c9dc5;
    let escaped = false;
    for (;;) {
      if (p >= end) this.fail("unterminated string");
      const c = buf[p];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        p += 2;
        continue;
      }
      h = Math.imul(h ^ c, 16777619);
      p++;
    }
    this.hash = h >>> 0;
    this.pos = p + 1;
    return escaped;
  }

  private decodeString(buf: Uint8Array, from: number, to: number): string {
    try {
      return JSON.parse(utf8.decode(buf.subarray(from, to))) as string;
    } catch {
      return this.fail("invalid string");
    }
  }

  private readKey(buf: Uint8Array, end: number): number {
    this.skipSpace(buf, end);
    if (this.pos >= end || buf[this.pos] !== QUOTE) this.fail("expected a key in double quotes");
    const from = this.pos;
    const escaped = this.scanString(buf, end);
    const s = from + 1;
    const len = this.pos - 1 - s;
    if (escaped) {
      const key = this.decodeString(buf, from, this.pos);
      return key === "model_a"
        ? KEY_MODEL_A
        : key === "model_b"
          ? KEY_MODEL_B
          : key === "winner"
            ? KEY_WINNER
            : key === "tstamp"
              ? KEY_TSTAMP
              : KEY_OTHER;
    }
    // "model_a" / "model_b" / "winner" / "tstamp" by length and bytes.
    if (
      len === 7 &&
      buf[s] === 109 &&
      buf[s + 5] === 95 &&
      buf[s + 1] === 111 &&
      buf[s + 2] === 100 &&
      buf[s + 3] === 101 &&
      buf[s + 4] === 108
    ) {
      if (buf[s + 6] === 97) return KEY_MODEL_A;
      if (buf[s + 6] === 98) return KEY_MODEL_B;
    } else if (len === 6) {
      if (
        buf[s] === 119 &&
        buf[s + 1] === 105 &&
        buf[s + 2] === 110 &&
        buf[s + 3] === 110 &&
        buf[s + 4] === 101 &&
        buf[s + 5] === 114
      )
        return KEY_WINNER;
      if (
        buf[s] === 116 &&
        buf[s + 1] === 115 &&
        buf[s + 2] === 116 &&
        buf[s + 3] === 97 &&
        buf[s + 4] === 109 &&
        buf[s + 5] === 112
      )
        return KEY_TSTAMP;
    }
    return KEY_OTHER;
  }

  private readModel(buf: Uint8Array, end: number, field: string): number {
    this.skipSpace(buf, end);
    if (this.pos >= end || buf[this.pos] !== QUOTE) this.fail(`${field} must be a string`);
    const from = this.pos;
    const escaped = this.scanString(buf, end);
    if (escaped) {
      const name = this.decodeString(buf, from, this.pos);
      const bytes = encoder.encode(name);
      let h = 0x811c9dc5;
      for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
      return this.intern(bytes, 0, bytes.length, h >>> 0, field);
    }
    return this.intern(buf, from + 1, this.pos - 1, this.hash, field);
  }

  private intern(buf: Uint8Array, s: number, e: number, h: number, field: string): number {
    if (e === s) this.fail(`${field} is empty`);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    const len = e - s;
    for (;;) {
      const v = this.slots[slot];
      if (v === 0) break;
      const id = v - 1;
      if (this.nameHash[id] === h) {
        const nb = this.nameBytes[id];
        if (nb.length === len) {
          let same = true;
          for (let i = 0; i < len; i++) {
            if (nb[i] !== buf[s + i]) {
              same = false;
              break;
            }
          }
          if (same) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    const bytes = Uint8Array.prototype.slice.call(buf, s, e); // a copy, even for a Buffer
    let name: string;
    try {
      name = utf8.decode(bytes);
    } catch {
      return this.fail(`${field} is not valid UTF-8`);
    }
    const id = this.names.length;
    this.names.push(name);
    this.nameBytes.push(bytes);
    this.nameHash.push(h);
    this.slots[slot] = id + 1;
    if (this.names.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let id = 0; id < this.names.length; id++) {
      let slot = this.nameHash[id] & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = id + 1;
    }
  }

  private readWinner(buf: Uint8Array, end: number): number {
    this.skipSpace(buf, end);
    if (this.pos >= end || buf[this.pos] !== QUOTE) this.fail("winner must be a string");
    const from = this.pos;
    const escaped = this.scanString(buf, end);
    const s = from + 1;
    const len = this.pos - 1 - s;
    if (!escaped) {
      if (len === 7 && buf[s] === 109 && buf[s + 5] === 95) {
        if (buf[s + 6] === 97 && buf[s + 1] === 111) return OUTCOME_A;
        if (buf[s + 6] === 98 && buf[s + 1] === 111) return OUTCOME_B;
      }
      if (len === 3 && buf[s] === 116 && buf[s + 1] === 105 && buf[s + 2] === 101) return OUTCOME_TIE;
    }
    const w = this.decodeString(buf, from, this.pos);
    if (w === "model_a") return OUTCOME_A;
    if (w === "model_b") return OUTCOME_B;
    if (w === "tie") return OUTCOME_TIE;
    if (w === "tie (bothbad)") return OUTCOME_BOTHBAD;
    return this.fail(
      `winner must be "model_a", "model_b", "tie" or "tie (bothbad)" (got ${JSON.stringify(w)})`,
    );
  }

  private readNumber(buf: Uint8Array, end: number): number {
    this.skipSpace(buf, end);
    let p = this.pos;
    const from = p;
    if (p < end && buf[p] === 110) {
      // null
      if (p + 4 <= end && buf[p + 1] === 117 && buf[p + 2] === 108 && buf[p + 3] === 108) {
        this.pos = p + 4;
        return Number.NaN;
      }
    }
    let neg = false;
    if (p < end && buf[p] === 45) {
      neg = true;
      p++;
    }
    let mant = 0;
    let digits = 0;
    let frac = 0;
    while (p < end && buf[p] >= 48 && buf[p] <= 57) {
      mant = mant * 10 + (buf[p] - 48);
      digits++;
      p++;
    }
    if (digits === 0) this.fail("tstamp must be a number");
    if (p < end && buf[p] === 46) {
      p++;
      while (p < end && buf[p] >= 48 && buf[p] <= 57) {
        mant = mant * 10 + (buf[p] - 48);
        digits++;
        frac++;
        p++;
      }
      if (frac === 0) this.fail("tstamp must be a number");
    }
    const exp = p < end && (buf[p] === 101 || buf[p] === 69);
    if (!exp && digits <= 15 && frac <= 22) {
      // Exact: an integer below 2^53 divided by an exact power of ten rounds correctly (Clinger's fast path).
      this.pos = p;
      const v = frac === 0 ? mant : mant / POW10[frac];
      return neg ? -v : v;
    }
    while (p < end && isNumberChar(buf[p])) p++;
    const v = Number(utf8.decode(buf.subarray(from, p)));
    if (Number.isNaN(v)) this.fail("tstamp must be a number");
    this.pos = p;
    return v;
  }

  /** Skips any JSON value structurally (strings, nested objects/arrays, literals). */
  private skipValue(buf: Uint8Array, end: number): void {
    this.skipSpace(buf, end);
    let p = this.pos;
    if (p >= end) this.fail("expected a value but the line ended");
    const c = buf[p];
    if (c === QUOTE) {
      this.scanString(buf, end);
      return;
    }
    if (c === LBRACE || c === LBRACKET) {
      let depth = 0;
      while (p < end) {
        const d = buf[p];
        if (d === QUOTE) {
          this.pos = p;
          this.scanString(buf, end);
          p = this.pos;
          continue;
        }
        if (d === LBRACE || d === LBRACKET) depth++;
        else if (d === RBRACE || d === RBRACKET) {
          depth--;
          if (depth === 0) {
            this.pos = p + 1;
            return;
          }
        }
        p++;
      }
      this.fail("unterminated object or array");
    }
    const from = p;
    while (p < end) {
      const d = buf[p];
      if (d === COMMA || d === RBRACE || isSpace(d)) break;
      const ok =
        (d >= 48 && d <= 57) || (d >= 97 && d <= 122) || d === 45 || d === 43 || d === 46 || d === 69;
      if (!ok) this.fail("invalid value");
      p++;
    }
    if (p === from) this.fail("expected a value");
    this.pos = p;
  }

  /** Whether the object at `pos` starts with the key "_end" (the export's end line). */
  private isEndLine(buf: Uint8Array, end: number): boolean {
    let p = this.pos + 1;
    while (p < end && isSpace(buf[p])) p++;
    return (
      p + 6 <= end &&
      buf[p] === QUOTE &&
      buf[p + 1] === 95 &&
      buf[p + 2] === 101 &&
      buf[p + 3] === 110 &&
      buf[p + 4] === 100 &&
      buf[p + 5] === QUOTE
    );
  }

  private parseLine(buf: Uint8Array, start: number, end: number): void {
    this.lineNo++;
    this.pos = start;
    this.skipSpace(buf, end);
    if (this.pos >= end) return; // blank line
    if (this.end) this.fail("this line comes after the end line");
    if (buf[this.pos] !== LBRACE) this.fail("expected a JSON object");
    if (this.isEndLine(buf, end)) {
      let parsed: ExportEnd | null;
      try {
        parsed = parseEndObject(utf8.decode(buf.subarray(start, end)));
        if (parsed && parsed.count !== this.n) throw countMismatch(parsed, this.n);
      } catch (e) {
        if (e instanceof ExportEndError || e instanceof TypeError) this.fail(e.message);
        throw e;
      }
      if (parsed) {
        this.end = parsed;
        return;
      }
    }
    this.pos++;
    let a = -1;
    let b = -1;
    let w = -1;
    let t = Number.NaN;
    this.skipSpace(buf, end);
    if (this.pos < end && buf[this.pos] === RBRACE) {
      this.pos++;
    } else {
      for (;;) {
        const key = this.readKey(buf, end);
        this.expect(buf, end, COLON, "':'");
        if (key === KEY_MODEL_A) a = this.readModel(buf, end, "model_a");
        else if (key === KEY_MODEL_B) b = this.readModel(buf, end, "model_b");
        else if (key === KEY_WINNER) w = this.readWinner(buf, end);
        else if (key === KEY_TSTAMP) t = this.readNumber(buf, end);
        else this.skipValue(buf, end);
        this.skipSpace(buf, end);
        if (this.pos >= end) this.fail("unterminated object");
        const c = buf[this.pos++];
        if (c === RBRACE) break;
        if (c !== COMMA) this.fail("expected ',' or '}'");
      }
    }
    this.skipSpace(buf, end);
    if (this.pos < end) this.fail("unexpected characters after the object");
    if (a < 0) this.fail('missing "model_a"');
    if (b < 0) this.fail('missing "model_b"');
    if (w < 0) this.fail('missing "winner"');
    if (a === b) this.fail(`model_a and model_b are the same model (${JSON.stringify(this.names[a])})`);
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.modelA[i] = a;
    this.modelB[i] = b;
    this.outcome[i] = w;
    this.tstamp[i] = t;
  }
}

/** Parses a whole JSONL document (bytes or text). Throws `BattleParseError` naming the first bad line. */
export function parseBattlesJsonl(
  data: Uint8Array | string,
  opts: { requireEnd?: boolean } = {},
): BattleTable {
  const parser = new BattleJsonlParser(opts);
  parser.push(typeof data === "string" ? encoder.encode(data) : data);
  return parser.finish();
}
