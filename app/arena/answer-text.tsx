"use client";

import "katex/dist/katex.min.css";
import ReactMarkdown, { type Components } from "react-markdown";
import rehypeKatex from "rehype-katex";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { CITE_PREFIX, remarkCitations } from "@/lib/markdown/citations";
import { answerSchema } from "@/lib/markdown/schema";

/**
 * A model's answer as Markdown (GitHub's flavour: lists, tables, emphasis, code) with TeX math ($x$,
 * $$x$$) rendered by KaTeX; sanitised (lib/markdown/schema.ts) before KaTeX runs, and raw HTML in the text
 * is shown as text, never interpreted. Citations [n] to a passage 1..passageCount are buttons.
 */
export function AnswerText({
  text,
  passageCount,
  onCite,
  citeLabel,
}: {
  text: string;
  passageCount: number;
  onCite: (n: number) => void;
  citeLabel: (n: number) => string;
}) {
  const components: Components = {
    a({ href, children }) {
      if (href?.startsWith(CITE_PREFIX)) {
        const n = Number(href.slice(CITE_PREFIX.length));
        return (
          <button
            type="button"
            onClick={() => onCite(n)}
            aria-label={citeLabel(n)}
            className="mx-0.5 rounded bg-sky-100 px-1 font-medium text-sky-800 hover:bg-sky-200 dark:bg-sky-900/60 dark:text-sky-200 dark:hover:bg-sky-800"
          >
            {children}
          </button>
        );
      }
      return (
        <a
          href={href}
          rel="noreferrer noopener nofollow"
          target="_blank"
          className="text-sky-700 underline dark:text-sky-400"
        >
          {children}
        </a>
      );
    },
  };
  return (
    <div className="answer-markdown min-w-0 space-y-3 text-sm leading-relaxed break-words">
      <ReactMarkdown
        remarkPlugins={[remarkGfm, remarkMath, [remarkCitations, { max: passageCount }]]}
        rehypePlugins={[[rehypeSanitize, answerSchema], rehypeKatex]}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
