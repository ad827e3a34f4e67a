/**
 * Child process of fm.test.ts (run with `--conditions=react-server`, as Next.js runs lib): what the app's
 * routes get from lib for one set of questions, as one JSON line, with whatever ENGINE_URLS / INDEX_DIR say.
 */

import { errorBody } from "../http-error";
import { parseInfiniGramRequest } from "../search/infini-gram";
import { runInfiniGram } from "../search/run";
import { searchIndex } from "../search/served-index";
import { indexHealth } from "./fm";
import { traceService } from "./trace";

async function main() {
  const out: Record<string, unknown> = {};
  try {
    const { service, info } = await searchIndex();
    out.name = info.name;
    for (const [k, body] of Object.entries({
      count: { index: info.name, query_type: "count", query: "the whale" },
      find: { index: info.name, query_type: "find", query: "ship" },
      docs: { index: info.name, query_type: "search_docs", query: "sea", maxnum: 5 },
    })) {
      const { latency, ...rest } = await runInfiniGram(service, info, parseInfiniGramRequest(body, info));
      out[k] = rest;
    }
    out.contamination = await service.contamination([
      { id: "x", text: "the whale and the sea and the ship" },
    ]);
    const trace = await traceService();
    const { timings, stats, ...result } = await trace.trace({
      response: process.env.TRACE_TEXT ?? "",
      prompt: "whale?",
    });
    out.trace = { ...result, maximalSpans: stats.maximalSpans };
  } catch (e) {
    out.error = errorBody(e);
  }
  const health = await indexHealth();
  out.health = health;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main();
