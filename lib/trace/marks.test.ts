import assert from "node:assert/strict";
import { test } from "node:test";
import { markRanges, splitByRanges } from "./marks";

const marked = (text: string, needles: string[], fallback?: { start: number; end: number }) =>
  splitByRanges(text, markRanges(text, needles, fallback))
    .map((p) => (p.marked ? `[${p.text}]` : p.text))
    .join("");

test("a span is marked only where it stands as words, never inside one", () => {
  // "ait be" occurs inside "wait before" and as words later.
  assert.equal(marked("I wait before I ait be done", ["ait be"]), "I wait before I [ait be] done");
  // Only mid-word occurrences: the index's own range is kept, so the reader sees where it matched.
  assert.equal(marked("you wait before", ["ait be"], { start: 5, end: 11 }), "you w[ait be]fore");
  assert.equal(marked("you wait before", ["ait be"]), "you wait before");
});

test("every span of the document is marked, and every occurrence", () => {
  const text = "Call me Ishmael. Some years ago I went to sea. Call me Ishmael again.";
  assert.equal(
    marked(text, ["Call me Ishmael", "years ago I went"]),
    "[Call me Ishmael]. Some [years ago I went] to sea. [Call me Ishmael] again.",
  );
});

test("overlapping and touching spans merge into one mark; punctuation ends are boundaries", () => {
  assert.equal(marked("a b c d e", ["a b c", "c d", "d e"]), "[a b c d e]");
  assert.equal(marked("(sail about a little.)", ["sail about a little."]), "([sail about a little.])");
  assert.equal(marked("x", []), "x");
});

test("letters of any script, digits and accents count as word characters", () => {
  assert.equal(marked("naïveté naïve", ["naïve"]), "naïveté [naïve]");
  assert.equal(marked("2024 024", ["024"]), "2024 [024]");
  assert.equal(marked("Straße traße", ["traße"]), "Straße [traße]");
});
