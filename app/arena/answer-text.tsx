"use client";

import "katex/dist/katex.min.css";
import type { KeyboardEvent, ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import rehypeKatex from "rehype-katex";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import type { TraceResult } from "@/engine/trace/trace";
import { CITE_PREFIX, remarkCitations } from "@/lib/markdown/citations";
import { answerSchema, tracedAnswerSchema } from "@/lib/markdown/schema";
import { remarkTraceRegions } from "@/lib/markdown/trace-regions";
import { SHADE } from "../trace/levels";

/** A trace shown over the answer: its regions highlighted in the rendered text, selectable. */
export interface AnswerTrace {
  result: Pick<TraceResult, "regions" | "spans" | "documents">;
  /** The selected region (filters the documents), and the located document (outlines its spans). */
  region: number | null;
  located: number | null;
  onRegion: (r: number) => void;
}

/**
 * A model's answer as Markdown (GitHub's flavour: lists, tables, emphasis, code) with TeX math ($x$,
 * $$x$$) rendered by KaTeX; sanitised (lib/markdown/schema.ts) before KaTeX runs, and raw HTML in the text
 * is shown as text, never interpreted. Citations [n] to a passage 1..passageCount are buttons. With a
 * `trace`, its regions (over the Markdown source) are highlighted in the rendered text
 * (lib/markdown/trace-regions.ts): each highlight is an inline element that keeps the paragraph, selectable
 * with a click, or with Enter or Space on the first piece of a region.
 */
export function AnswerText({
  text,
  passageCount,
  onCite,
  citeLabel,
  trace,
  testId,
}: {
  text: string;
  passageCount: number;
  onCite: (n: number) => void;
  citeLabel: (n: number) => string;
  trace?: AnswerTrace;
  testId?: string;
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
  if (trace) {
    const byId = new Map(trace.result.regions.map((r) => [r.id, r]));
    const region = (tag: "span" | "div", props: Record<string, unknown>, children: ReactNode) => {
      const r = byId.get(Number(props["data-region"]));
      if (!r) return tag === "div" ? <div>{children}</div> : <span>{children}</span>;
      const select = () => trace.onRegion(r.id);
      const nDocs = r.documents.length;
      const first = props["data-first"] !== undefined;
      const className = `cursor-pointer rounded-sm box-decoration-clone ${SHADE[r.level]} ${trace.region === r.id ? "ring-2 ring-sky-700 dark:ring-sky-300" : ""} ${trace.region !== null && trace.region !== r.id ? "opacity-50" : ""} ${tag === "div" ? "block" : ""}`;
      // The first piece of a region is its button for the keyboard and screen readers; the others (a region
      // cut by emphasis or a citation) answer clicks only, so a region is one tab stop.
      const a11y = first
        ? {
            role: "button",
            tabIndex: 0,
            "aria-pressed": trace.region === r.id,
            "aria-label": `Span: ${text.slice(r.start, r.end)} (${r.level} relevance, ${nDocs} document${nDocs === 1 ? "" : "s"})`,
            onKeyDown: (e: KeyboardEvent) => {
              if (e.key === "Enter" || e.key === " ") {
                e.preventDefault();
                select();
              }
            },
          }
        : {};
      const Tag = tag;
      return (
        <Tag
          {...a11y}
          data-keep-selection=""
          data-level={r.level}
          data-region={r.id}
          onClick={select}
          className={className}
        >
          {children}
        </Tag>
      );
    };
    components.span = ({ node: _node, children, ...props }) => {
      const p = props as Record<string, unknown>;
      if (p["data-region"] !== undefined) return region("span", p, children);
      if (p["data-located"] !== undefined)
        return (
          <span
            data-located=""
            className="rounded-sm outline outline-2 outline-sky-700 box-decoration-clone dark:outline-sky-300"
          >
            {children}
          </span>
        );
      return <span {...props}>{children}</span>;
    };
    components.div = ({ node: _node, children, ...props }) => {
      const p = props as Record<string, unknown>;
      if (p["data-region"] !== undefined) return region("div", p, children);
      return <div {...props}>{children}</div>;
    };
  }
  const locatedSpans = new Set(
    trace && trace.located !== null ? (trace.result.documents[trace.located]?.spans ?? []) : [],
  );
  return (
    <div
      className={`answer-markdown min-w-0 space-y-3 text-sm leading-relaxed break-words ${trace ? "rounded-md border border-slate-200 p-3 dark:border-slate-800" : ""}`}
      data-testid={testId}
    >
      <ReactMarkdown
        remarkPlugins={
          trace
            ? [
                remarkGfm,
                remarkMath,
                [
                  remarkTraceRegions,
                  {
                    regions: trace.result.regions,
                    located: trace.result.spans.filter((s) => locatedSpans.has(s.id)),
                  },
                ],
                [remarkCitations, { max: passageCount }],
              ]
            : [remarkGfm, remarkMath, [remarkCitations, { max: passageCount }]]
        }
        rehypePlugins={[[rehypeSanitize, trace ? tracedAnswerSchema : answerSchema], rehypeKatex]}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
