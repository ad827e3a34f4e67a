/**
 * Optional live literature sources: the OpenAlex works search or Semantic Scholar's paper search, asked
 * for the question's papers at battle time (off unless configured: `LITERATURE_LIVE` in lib/env.ts). The
 * papers they return join the collection (deduplicated by arXiv id and DOI like any import) and are ranked
 * with everything else, so a live paper is cited, linked and re-found exactly like an imported one.
 * A source that fails or is slow costs the question nothing but its timeout: retrieval goes on with the
 * collection alone.
 */
import { normalizeArxivId, normalizeDoi, type Paper, parseOpenAlexRecord } from "./papers";

export type LiveSourceKind = "openalex" | "semantic-scholar";

export interface LiveSource {
  kind: LiveSourceKind;
  /** API root, e.g. https://api.openalex.org or https://api.semanticscholar.org. */
  baseUrl: string;
  /** Semantic Scholar's x-api-key, or OpenAlex's api_key; optional for both. */
  apiKey?: string;
  timeoutMs: number;
}

export const LIVE_DEFAULT_URL: Record<LiveSourceKind, string> = {
  openalex: "https://api.openalex.org",
  "semantic-scholar": "https://api.semanticscholar.org",
};

export class LiveSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LiveSourceError";
  }
}

/** Largest response read from a source: a hostile or broken server cannot make us buffer more. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

async function getJson(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  fetchImpl: typeof fetch,
) {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      headers: { accept: "application/json", ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const name = (e as Error)?.name;
    throw new LiveSourceError(
      name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : `cannot reach ${url.host}: ${(e as Error).message}`,
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new LiveSourceError(`${url.host} answered ${res.status}`);
  }
  const reader = res.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (e) {
      throw new LiveSourceError(
        (e as Error)?.name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : `${url.host}: ${(e as Error).message}`,
      );
    }
    const { done, value } = next;
    if (done || !value) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new LiveSourceError(`${url.host} sent more than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new LiveSourceError(`${url.host} sent something other than JSON`);
  }
}

interface S2Paper {
  paperId?: string;
  externalIds?: { ArXiv?: string | null; DOI?: string | null } | null;
  url?: string | null;
  title?: string | null;
  abstract?: string | null;
  venue?: string | null;
  year?: number | null;
  authors?: { name?: string | null }[] | null;
}

/** A Semantic Scholar paper as a Paper, or null when it lacks what a citation needs (abstract, year). */
export function paperFromSemanticScholar(p: S2Paper): Paper | null {
  const title = p.title?.replace(/\s+/g, " ").trim();
  const abstract = p.abstract?.trim();
  if (!p.paperId || !title || !abstract || !Number.isInteger(p.year)) return null;
  const paper: Paper = {
    id: `s2:${p.paperId}`,
    title,
    authors: (p.authors ?? []).map((a) => a.name?.trim() ?? "").filter(Boolean),
    year: p.year as number,
    abstract,
  };
  const arxivId = normalizeArxivId(p.externalIds?.ArXiv ?? undefined);
  const doi = normalizeDoi(p.externalIds?.DOI ?? undefined);
  if (arxivId) paper.arxivId = arxivId;
  if (doi) paper.doi = doi;
  if (p.venue?.trim()) paper.venue = p.venue.trim();
  if (p.url && /^https?:\/\//.test(p.url)) paper.url = p.url;
  return paper;
}

/**
 * Papers the source finds for a question, at most `limit`. Throws LiveSourceError (unreachable, slow,
 * an error status, not JSON); records it cannot use are left out.
 */
export async function searchLive(
  source: LiveSource,
  question: string,
  limit = 10,
  fetchImpl: typeof fetch = fetch,
): Promise<Paper[]> {
  const base = source.baseUrl.replace(/\/+$/, "");
  if (source.kind === "openalex") {
    const url = new URL(`${base}/works`);
    url.searchParams.set("search", question);
    url.searchParams.set("filter", "has_abstract:true");
    url.searchParams.set("per_page", String(limit));
    if (source.apiKey) url.searchParams.set("api_key", source.apiKey);
    const body = (await getJson(url, {}, source.timeoutMs, fetchImpl)) as { results?: unknown[] };
    if (!Array.isArray(body?.results)) throw new LiveSourceError(`${url.host} sent no results list`);
    return body.results.slice(0, limit).flatMap((w, i) => {
      try {
        return [parseOpenAlexRecord(w, i + 1)];
      } catch {
        return [];
      }
    });
  }
  const url = new URL(`${base}/graph/v1/paper/search`);
  url.searchParams.set("query", question);
  url.searchParams.set("limit", String(limit));
  url.searchParams.set("fields", "title,abstract,authors,year,venue,externalIds,url");
  const headers: Record<string, string> = source.apiKey ? { "x-api-key": source.apiKey } : {};
  const body = (await getJson(url, headers, source.timeoutMs, fetchImpl)) as { data?: S2Paper[] };
  if (!Array.isArray(body?.data)) throw new LiveSourceError(`${url.host} sent no data list`);
  return body.data.slice(0, limit).flatMap((p) => {
    const paper = p && typeof p === "object" ? paperFromSemanticScholar(p) : null;
    return paper ? [paper] : [];
  });
}
