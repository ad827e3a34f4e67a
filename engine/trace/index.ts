/** Public API of the trace engine (OLMoTrace over the FM-index). See trace.ts for the algorithm. */

export { bm25Scores, normalizeRelevance, type RelevanceLevel, relevanceLevel } from "./bm25";
export { TraceError, type TraceErrorCode } from "./errors";
export {
  runStage,
  runStages,
  runStagesSync,
  type SpanPart,
  type StageAnswer,
  type TraceStage,
} from "./stages";
export {
  CONTEXT_WORDS,
  type ContextRequest,
  contextSteps,
  DEFAULT_MAX_DOCS_PER_SPAN,
  DEFAULT_MIN_SPAN_WORDS,
  DEFAULT_SPAN_DENSITY,
  type DocumentContext,
  documentContext,
  MAX_TRACE_CHARS,
  SNIPPET_WORDS,
  type TraceDocument,
  type TraceInput,
  type TraceRegion,
  type TraceResult,
  type TraceSettings,
  type TraceSnippet,
  type TraceSpan,
  traceSteps,
  traceText,
  validateTraceInput,
} from "./trace";
export {
  createTraceService,
  type TraceBackend,
  TraceService,
  type TraceServiceOptions,
} from "./trace-service";
