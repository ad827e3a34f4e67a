import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tokenize } from "./tokens";

/** The text of each run (a stretch no span crosses), from its first token's start to its last token's end. */
function runs(text: string): string[] {
  const tok = tokenize(text);
  return tok.runs.map((r) => text.slice(tok.tokens[r.first].start, tok.tokens[r.last].end));
}

/** The tokens marked as sentence ends. */
function delimiters(text: string): string[] {
  return tokenize(text)
    .tokens.filter((t) => t.delimiter)
    .map((t) => `${t.text}@${t.start}`);
}

describe("sentence ends", () => {
  test("'.', '!' and '?' that end a sentence close a run", () => {
    assert.deepEqual(runs("Call me Ishmael. Who are you? Stop! Go on"), [
      "Call me Ishmael.",
      "Who are you?",
      "Stop!",
      "Go on",
    ]);
    assert.deepEqual(runs("Is it?\nYes!"), ["Is it?", "Yes!"]);
    assert.deepEqual(runs("the end?"), ["the end?"]);
  });

  test("'!' in code is no sentence end: index !== -1, !flag", () => {
    assert.deepEqual(runs("if (index !== -1) return items[index];"), [
      "if (index !== -1) return items[index];",
    ]);
    assert.deepEqual(delimiters("while (!done && x != y) step()"), []);
  });

  test("a ternary '?' is no sentence end", () => {
    assert.deepEqual(runs("const n = big ? 10 : 1; then more"), ["const n = big ? 10 : 1; then more"]);
  });

  test("'?' inside a URL is no sentence end", () => {
    assert.deepEqual(runs("see https://example.org/page?utm_source=mail&x=1 for details"), [
      "see https://example.org/page?utm_source=mail&x=1 for details",
    ]);
  });

  test("an optional property 'options?:' is no sentence end", () => {
    assert.deepEqual(runs("function f(options?: Options): void"), ["function f(options?: Options): void"]);
  });

  test("only the last of '?!' ends the sentence; closing quotes and emphasis may follow the mark", () => {
    assert.deepEqual(delimiters("Really?! Yes"), ["!@7"]);
    assert.deepEqual(runs('He asked "why?" and left'), ['He asked "why?', '" and left']);
    assert.deepEqual(runs("**Really?** Yes"), ["**Really?", "** Yes"]);
    assert.deepEqual(runs("(was it?) no"), ["(was it?", ") no"]);
  });

  test("full-width marks always end a sentence", () => {
    assert.deepEqual(delimiters("好吗？好！"), ["？@2", "！@4"]);
  });
});

describe("hard breaks", () => {
  test("newlines of every kind break runs", () => {
    for (const nl of ["\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085"]) {
      assert.deepEqual(runs(`one two${nl}three four`), ["one two", "three four"], JSON.stringify(nl));
    }
  });

  test("a form feed, a vertical tab and other control characters break runs", () => {
    for (const c of ["\f", "\v", "\u0000", "\u0007", "\u001c", "\u001f", "\u007f", "\u009b"]) {
      assert.deepEqual(runs(`one two${c}three four`), ["one two", "three four"], JSON.stringify(c));
      assert.deepEqual(runs(`one two ${c} three four`), ["one two", "three four"], JSON.stringify(c));
    }
  });

  test("a tab and ordinary spaces do not break a run", () => {
    assert.deepEqual(runs("one\ttwo \u00a0three\u2003four"), ["one\ttwo \u00a0three\u2003four"]);
  });
});
