import assert from "node:assert/strict";
import { test } from "node:test";
import { revealedModelName } from "./flagging";

const names = ["extractive-baseline", "flexolmo-public", "my-gpt", "gpt-4o-mini"];

test("an answer that names a model or vendor is caught", () => {
  assert.equal(revealedModelName("As an OpenAI model, I think [1].", names, "What is BM25?"), "openai");
  assert.equal(revealedModelName("I am Claude, made by Anthropic.", names, "q"), "claude");
  assert.equal(revealedModelName("This is flexolmo-public speaking.", names, "q"), "flexolmo-public");
  assert.equal(revealedModelName("Served by GPT-4o-mini.", names, "q"), "gpt-4o-mini");
  assert.equal(revealedModelName("Served by GPT-5.", names, "q"), "gpt");
});

test("names the question or passages mention may be quoted", () => {
  const context =
    "FlexOlmo: Open Language Models for Flexible Data Use. FlexOlmo employs a mixture-of-experts ...";
  assert.equal(revealedModelName("FlexOlmo trains experts independently [1].", names, context), null);
});

test("ordinary answers and words that merely contain a name are not flagged", () => {
  assert.equal(revealedModelName("BM25 ranks passages by term frequency [2].", names, "q"), null);
  assert.equal(revealedModelName("The chatgptx-like egpts token is fine.", names, "q"), null);
  assert.equal(revealedModelName("A llamas herd is not a model.", names, "q"), null);
});
