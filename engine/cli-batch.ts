/**
 * Batch commands of the CLI: `trace --input responses.jsonl` and `count --queries queries.jsonl`. Both read
 * their input as a stream and write one JSON line per input line as answers come in (memory flat in the
 * number of lines), on a local index or on shard servers alike (any IndexBackend / TraceBackend). A bad
 * line stops the run with `file:line: message`, or with `skipBad` is reported on stderr and skipped.
 */

import { FmInputError } from "./fm/errors";
import type { QueryOptions } from "./fm/index";
import type { IndexBackend } from "./fm/index-service";
import { readJsonl } from "./fm/jsonl";
import type { TraceInput } from "./trace/trace";
import type { TraceBackend } from "./trace/trace-service";

export interface BatchOptions {
  skipBad?: boolean;
  /** Called with each output line (without the newline); awaited, so a slow stdout slows the reading. */
  write: (line: string) => void | Promise<void>;
  /** Told each skipped line. */
  onSkip?: (message: string) => void;
}

/** Runs `work` on items from `source` with up to `width` in flight, handing results over in input order. */
async function ordered<I, O>(
  source: AsyncIterable<I>,
  width: number,
  work: (item: I) => Promise<O>,
  emit: (out: O) => void | Promise<void>,
): Promise<void> {
  const window: Promise<O>[] = [];
  for await (const item of source) {
    const p = work(item);
    p.catch(() => {}); // settled in order below; this keeps an early failure from counting as unhandled
    window.push(p);
    if (window.length >= width) await emit(await (window.shift() as Promise<O>));
  }
  while (window.length > 0) await emit(await (window.shift() as Promise<O>));
}

/** Input lines checked by `parse` (which throws a message); bad ones stop the run or are skipped. */
async function* checked<T>(
  file: string,
  opts: BatchOptions,
  parse: (value: unknown, line: number) => T,
): AsyncGenerator<{ line: number; value: T }> {
  for await (const { line, value } of readJsonl(file, {
    skipBad: opts.skipBad,
    onSkip: (l, m) => opts.onSkip?.(`${file}:${l}: ${m}`),
  })) {
    try {
      yield { line, value: parse(value, line) };
    } catch (e) {
      if (!opts.skipBad) throw new FmInputError(file, line, (e as Error).message);
      opts.onSkip?.(`${file}:${line}: ${(e as Error).message}`);
    }
  }
}

/**
 * `trace --input`: each line `{"id", "response", "prompt"?, "domains"?}` gives one line
 * `{"id", "spans", "documents", "coverage", "ms"}` (spans and documents as the trace API returns them).
 * A response the tracer refuses (empty, too long, unknown domain) is a bad line too. `width` traces run at
 * once (one per worker thread).
 */
export async function traceJsonl(
  tracer: TraceBackend,
  file: string,
  opts: BatchOptions & { width?: number; domains?: string[] },
): Promise<{ traced: number }> {
  let traced = 0;
  const items = checked(file, opts, (value, line): { id: unknown; input: TraceInput } => {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new Error("line is not an object");
    const v = value as Record<string, unknown>;
    if (typeof v.response !== "string") throw new Error('"response" must be a string');
    if (v.prompt != null && typeof v.prompt !== "string") throw new Error('"prompt" must be a string');
    if (v.domains != null && (!Array.isArray(v.domains) || v.domains.some((d) => typeof d !== "string")))
      throw new Error('"domains" must be a list of strings');
    return {
      id: v.id ?? line,
      input: {
        response: v.response,
        prompt: v.prompt as string | undefined,
        domains: (v.domains as string[] | undefined) ?? opts.domains,
      },
    };
  });
  await ordered(
    items,
    Math.max(1, opts.width ?? 2),
    async (item) => {
      const t0 = performance.now();
      try {
        const r = await tracer.trace(item.value.input);
        const ms = Math.round((performance.now() - t0) * 10) / 10;
        return {
          item,
          out: { id: item.value.id, spans: r.spans, documents: r.documents, coverage: r.coverage, ms },
        };
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (!code || !["EMPTY_TEXT", "TEXT_TOO_LONG", "UNKNOWN_DOMAIN", "BAD_SETTING"].includes(code))
          throw e;
        return { item, out: null, error: (e as Error).message };
      }
    },
    async ({ item, out, error }: { item: { line: number }; out: unknown; error?: string }) => {
      if (out) {
        traced++;
        await opts.write(JSON.stringify(out));
        return;
      }
      if (!opts.skipBad) throw new FmInputError(file, item.line, error ?? "bad line");
      opts.onSkip?.(`${file}:${item.line}: ${error}`);
    },
  );
  return { traced };
}

/**
 * `count --queries`: each line a JSON string, or `{"id"?, "query", "domains"?}`, gives one line
 * `{"id", "query", "count", "byDomain"}`. Queries go to the index in batches of `batchSize` (one message
 * to a worker, or one request per shard server).
 */
export async function countJsonl(
  index: IndexBackend,
  file: string,
  opts: BatchOptions & { batchSize?: number; domains?: string[] },
): Promise<{ counted: number }> {
  const size = Math.max(1, opts.batchSize ?? 256);
  let counted = 0;
  let batch: { line: number; id: unknown; query: string; opts: QueryOptions }[] = [];
  const flush = async () => {
    const answers = await index.batch(batch.map((q) => ({ op: "count", query: q.query, opts: q.opts })));
    for (const [k, a] of answers.entries()) {
      const q = batch[k];
      if (!a.ok) {
        if (!opts.skipBad) throw new FmInputError(file, q.line, a.error.message);
        opts.onSkip?.(`${file}:${q.line}: ${a.error.message}`);
        continue;
      }
      const r = a.result as { count: number; byDomain: Record<string, number> };
      counted++;
      await opts.write(JSON.stringify({ id: q.id, query: q.query, count: r.count, byDomain: r.byDomain }));
    }
    batch = [];
  };
  for await (const item of checked(file, opts, (value, line) => {
    if (typeof value === "string") return { id: line, query: value, domains: opts.domains };
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new Error('line must be a JSON string or {"query": ...}');
    const v = value as Record<string, unknown>;
    if (typeof v.query !== "string") throw new Error('"query" must be a string');
    if (v.domains != null && (!Array.isArray(v.domains) || v.domains.some((d) => typeof d !== "string")))
      throw new Error('"domains" must be a list of strings');
    return { id: v.id ?? line, query: v.query, domains: (v.domains as string[] | undefined) ?? opts.domains };
  })) {
    batch.push({
      line: item.line,
      id: item.value.id,
      query: item.value.query,
      opts: { domains: item.value.domains },
    });
    if (batch.length >= size) await flush();
  }
  if (batch.length > 0) await flush();
  return { counted };
}
