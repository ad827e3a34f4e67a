import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultSettings, playgroundRequest, stopStrings, unescapeStop } from "./playground-request";

test("stop strings: one per line, with \\n, \\t and \\\\ typed as escapes", () => {
  assert.equal(unescapeStop("a\\nb\\tc\\\\n"), "a\nb\tc\\n");
  assert.deepEqual(stopStrings("END\n\n\\n\\n\nQuestion:"), ["END", "\n\n", "Question:"]);
  assert.deepEqual(stopStrings(""), []);
});

test("the request enables the checked closed experts only and sends numbers", () => {
  const experts = [
    { id: "public", alwaysOn: true },
    { id: "code", alwaysOn: false },
    { id: "email", alwaysOn: false },
  ];
  const body = playgroundRequest(
    "Dear ",
    experts,
    { public: false, code: true, email: false },
    {
      ...defaultSettings(2),
      seed: "7",
      stop: "\\n",
    },
  );
  assert.deepEqual(body, {
    prompt: "Dear ",
    experts: ["code"],
    topK: 2,
    temperature: 0.8,
    topP: 0.95,
    maxTokens: 200,
    seed: 7,
    stop: ["\n"],
  });
});
