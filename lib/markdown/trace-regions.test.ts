import assert from "node:assert/strict";
import { test } from "node:test";
import rehypeKatex from "rehype-katex";
import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import { remarkCitations } from "./citations";
import { tracedAnswerSchema } from "./schema";
import { remarkTraceRegions, sourceOffsets, type TraceRegionsOptions } from "./trace-regions";

/** The traced-answer pipeline of app/arena/answer-text.tsx, to HTML. */
function render(markdown: string, options: TraceRegionsOptions, max = 3): string {
  return String(
    unified()
      .use(remarkParse)
      .use(remarkGfm)
      .use(remarkMath)
      .use(remarkTraceRegions, options)
      .use(remarkCitations, { max })
      .use(remarkRehype)
      .use(rehypeSanitize, tracedAnswerSchema)
      .use(rehypeKatex)
      .use(rehypeStringify)
      .processSync(markdown),
  );
}

/** The region of source text `needle` (its first occurrence). */
function region(source: string, needle: string, id: number) {
  const start = source.indexOf(needle);
  assert.ok(start >= 0, needle);
  return { id, start, end: start + needle.length };
}

test("sourceOffsets maps rendered characters to their source through escapes and fences", () => {
  assert.deepEqual([...sourceOffsets("a*b", "x a\\*b", 2, 6)], [2, 4, 5]);
  assert.deepEqual([...sourceOffsets("code", "`code`", 0, 6)], [1, 2, 3, 4]);
  assert.deepEqual([...sourceOffsets("a&b", "a&amp;b", 0, 7)], [0, 1, 6]);
});

test("a region over Markdown is highlighted in the rendered text: emphasis renders, no asterisks or dollars remain", () => {
  const src = "Experts can be **left out** at inference [2], at $O(n)$ cost.";
  const html = render(src, { regions: [region(src, "can be **left out** at inference [2], at $O(n)$", 0)] });
  assert.match(html, /<strong><span data-region="0">left out<\/span><\/strong>/);
  assert.doesNotMatch(html, /\*\*|\$O/);
  // The citation stays a link of its own, outside any highlight.
  assert.match(html, /<\/span><a href="#cite-2">\[2\]<\/a><span data-region="0">, at /);
  // The math is rendered by KaTeX inside the region's highlight.
  assert.match(html, /<span data-region="0"><span class="katex">/);
  // Only the first piece of a region is marked first (the one a keyboard reaches).
  assert.equal(html.match(/data-first/g)?.length, 1);
  assert.match(html, /<span data-region="0" data-first="">can be <\/span>/);
  // Text outside the region is not wrapped.
  assert.match(html, /<p>Experts <span/);
  assert.match(html, / cost\.<\/p>/);
});

test("regions split at their source offsets; located spans are outlined inside them; lists and tables keep their shape", () => {
  const src =
    "Some words:\n\n- first item here\n- second *item* here\n\n| a | b |\n|---|---|\n| cell one | two |";
  const html = render(src, {
    regions: [region(src, "first item", 1), region(src, "second *item* he", 2), region(src, "cell one", 3)],
    located: [region(src, "item* he", 9)],
  });
  assert.match(html, /<li><span data-region="1" data-first="">first item<\/span> here<\/li>/);
  assert.match(
    html,
    /<li><span data-region="2" data-first="">second <\/span><em><span data-region="2"><span data-located="">item<\/span><\/span><\/em><span data-region="2"><span data-located=""> he<\/span><\/span>re<\/li>/,
  );
  assert.match(html, /<td><span data-region="3" data-first="">cell one<\/span><\/td>/);
});

test("atoms: math and code are wrapped whole when a region covers most of them, else left alone", () => {
  const src = "Before.\n\n$$\n\\frac{1}{2}\n$$\n\nAnd `short code` here.";
  const whole = render(src, {
    regions: [region(src, "$$\n\\frac{1}{2}\n$$", 4), region(src, "`short code`", 5)],
  });
  assert.match(whole, /<div data-region="4" data-first=""><span class="katex-display">/);
  assert.match(whole, /<span data-region="5" data-first=""><code>short code<\/code><\/span>/);
  const little = render(src, { regions: [region(src, "`sh", 5)] });
  assert.doesNotMatch(little, /data-region/);
});

test("the highlights are sanitised like the answer: nothing else gets through", () => {
  const src = '<span data-region="7" onclick="x()">hi</span> text [x](javascript:alert(1))';
  const html = render(src, { regions: [region(src, "text", 0)] });
  assert.doesNotMatch(html, /data-region="7"|onclick|javascript:/);
  assert.match(html, /<span data-region="0" data-first="">text<\/span>/);
});
