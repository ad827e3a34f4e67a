import assert from "node:assert/strict";
import { test } from "node:test";
import { diagnoseReplies, diagnoseReply, parseVerdict } from "./parse";

test("a reply with a verdict needs no diagnosis", () => {
  assert.equal(diagnoseReply("[[B]]"), null);
  assert.equal(diagnoseReply("<think>A is longer but B cites [1]</think>B"), null);
});

test("reasoning is never read as the verdict, also when its opening tag was in the prompt", () => {
  assert.equal(parseVerdict("<think>Answer A is longer; is B better?</think>\n\n[[B]]"), "B");
  // DeepSeek-R1 without a reasoning parser: the reply starts inside the block.
  assert.equal(parseVerdict("A is longer, but B cites its passages.\n</think>\n\nAnswer: B"), "B");
  assert.equal(parseVerdict("A seems fine\n</think>\n\n"), null);
  assert.equal(diagnoseReply("A seems fine\n</think>\n\n")?.reason, "reasoning-only");
});

test("each kind of unreadable reply gets its reason and what the model needs", () => {
  const cases: [string, string, RegExp][] = [
    ["[error] Judge x answered HTTP 503", "error", /Admin › Models/],
    ["   ", "empty", /chat model/],
    [
      "<think>First, compare the two answers. Answer one cites",
      "reasoning-only",
      /token budget|verdict first/,
    ],
    ["<think>long thoughts</think>", "reasoning-only", /verdict first/],
    // What FlexOlmo-mini writes (the example): fragments of words and replacement characters.
    ["the sa spe in s yet are site o fon he", "not-text", /tiny byte-level model/],
    ["ecl\uFFFD\uFFFDs the th ne", "not-text", /FlexOlmo-mini/],
    ["{{}}}}##@@ ~~~ ^^^ ||| <<>>", "not-text", /instruction-tuned/],
    [
      "Both answers have merits; the second one is more thorough overall.",
      "no-letter",
      /\[\[A\]\] or \[\[B\]\]/,
    ],
  ];
  for (const [reply, reason, advice] of cases) {
    const d = diagnoseReply(reply);
    assert.equal(d?.reason, reason, reply);
    assert.match(d?.advice ?? "", advice, reply);
    assert.ok((d?.explanation ?? "").length > 10);
  }
});

test("a run's unparseable replies are grouped by reason, most frequent first, with an example of each", () => {
  const groups = diagnoseReplies([
    "the sa spe in s yet are site o fon he",
    "[[A]]",
    "o fon he sa re t le s",
    "Both are fine.",
    "B",
  ]);
  assert.deepEqual(
    groups.map((g) => [g.reason, g.count, g.example]),
    [
      ["not-text", 2, "the sa spe in s yet are site o fon he"],
      ["no-letter", 1, "Both are fine."],
    ],
  );
});
