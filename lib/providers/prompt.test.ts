import assert from "node:assert/strict";
import { test } from "node:test";
import { chatMessages, NOTHING_RELEVANT_NOTE, userPrompt } from "./prompt";
import type { ArenaPassage } from "./types";

const passage: ArenaPassage = {
  n: 1,
  passageId: "p1#0",
  text: "FM-indexes answer count queries in time proportional to the pattern.",
  paper: { id: "p1", title: "Compressed indexes", authors: ["A. Author"], year: 2024 },
};

test("the prompt numbers the passages and asks for citations", () => {
  const prompt = userPrompt("How do FM-indexes count?", [passage]);
  assert.match(prompt, /^Passages:\n\n\[1\] Compressed indexes \(A\. Author, 2024\)\nFM-indexes answer/);
  assert.match(prompt, /Question: How do FM-indexes count\?\n\nAnswer with citations \[n\]:$/);
  assert.ok(!prompt.includes(NOTHING_RELEVANT_NOTE));
});

test("with nothing relevant retrieved, the models are told to say so and cite nothing", () => {
  const [system, user] = chatMessages("What is the best recipe for sourdough bread?", []);
  assert.equal(system.role, "system");
  assert.ok(user.content.startsWith(NOTHING_RELEVANT_NOTE));
  assert.match(user.content, /Question: What is the best recipe for sourdough bread\?\n\nAnswer:$/);
  assert.ok(!user.content.includes("Passages:"));
  assert.ok(!user.content.includes("[n]"));
});
