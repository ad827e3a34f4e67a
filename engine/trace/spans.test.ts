import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildFmIndex, type FmIndex, openFmIndex } from "../fm/index";
import { traceText } from "./trace";

const tmp = mkdtempSync(join(tmpdir(), "spans-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Span texts of a response traced against a corpus that holds it verbatim (every span kept). */
function spans(index: FmIndex, response: string): string[] {
  return traceText(index, { response, spanDensity: 1, minSpanWords: 1 }).spans.map((s) => s.text);
}

describe("span rules over a real index", () => {
  const code = "if (index !== -1) return cond ? left : right; see https://example.org/a?utm_source=feed now";
  const typed = "function open(path: string, options?: OpenOptions): Handle";
  const paged = "the first page ends here\fthe second page begins";
  let index: FmIndex;
  before(async () => {
    const out = join(tmp, "idx");
    await buildFmIndex({
      docs: [
        { id: "code", domain: "code", text: code, meta: {} },
        { id: "typed", domain: "code", text: typed, meta: {} },
        // The corpus holds the form-feed text with a plain space, so only the break rule can split the span.
        { id: "paged", domain: "web", text: paged.replace("\f", " "), meta: {} },
        { id: "prose", domain: "web", text: "Is it raining? Yes! Take a coat.", meta: {} },
      ],
      out,
      workers: 0,
    });
    index = openFmIndex(out);
  });

  test("'!' and '?' in code and URLs do not cut a verbatim span", () => {
    assert.deepEqual(spans(index, code), [code]);
    assert.deepEqual(spans(index, typed), [typed]);
  });

  test("'?' and '!' that end sentences still do", () => {
    assert.deepEqual(spans(index, "Is it raining? Yes! Take a coat."), [
      "Is it raining?",
      "Yes!",
      "Take a coat.",
    ]);
  });

  test("a span never runs across a form feed", () => {
    assert.deepEqual(spans(index, paged), ["the first page ends here", "the second page begins"]);
    // The same text with a space is one span: the form feed, not the corpus, made the cut.
    assert.deepEqual(spans(index, paged.replace("\f", " ")), [paged.replace("\f", " ")]);
  });
});
