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
import { remarkCitations, splitCitations } from "./citations";
import { answerSchema } from "./schema";

/** The answer pipeline of app/arena/answer-text.tsx, to HTML. */
function render(markdown: string, max = 3): string {
  return String(
    unified()
      .use(remarkParse)
      .use(remarkGfm)
      .use(remarkMath)
      .use(remarkCitations, { max })
      .use(remarkRehype)
      .use(rehypeSanitize, answerSchema)
      .use(rehypeKatex)
      .use(rehypeStringify)
      .processSync(markdown),
  );
}

test("citations [n] and [n, m] become one link each; out-of-range numbers and code stay text", () => {
  assert.deepEqual(
    splitCitations("as shown [1, 3] and [9].", 3).map((n) => n.url ?? n.value),
    ["as shown ", "#cite-1", "#cite-3", " and [9]."],
  );
  const html = render("Experts [2]; see `x[1]` and [4].");
  assert.match(html, /<a href="#cite-2">\[2\]<\/a>/);
  assert.match(html, /<code>x\[1\]<\/code>/);
  assert.match(html, /and \[4\]\./);
});

test("Markdown renders: emphasis, lists, tables", () => {
  const html = render("**bold** and *it*\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |");
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /<ul>\n<li>one<\/li>/);
  assert.match(html, /<table>/);
});

test("TeX math renders with KaTeX, inline and display, after sanitising", () => {
  const html = render("a speed-up of 18$\\times$ and\n\n$$\n\\frac{1}{2}\n$$");
  assert.match(html, /class="katex"/);
  assert.match(html, /class="katex-display"/);
  assert.doesNotMatch(html, /\$\\times\$/, "no raw TeX left");
});

test("HTML in an answer is never passed through; script links are dropped", () => {
  const html = render("<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))");
  assert.doesNotMatch(html, /<script|<img|onerror|javascript:/);
});
