/**
 * The app's side of `engine serve`: a ShardCluster knows which servers hold which shards (replicas: several
 * servers may hold one shard) and sends each stage of work to them as one POST /batch per server; a server
 * that fails or times out is set aside for `retryAfterMs` and its part of the stage goes to a replica; with
 * none, the stage fails with FmUnavailableError naming the servers and their shards. RemoteIndex and
 * RemoteTrace answer exactly like the local IndexService and TraceService (../fm/index-service.ts,
 * ../trace/trace-service.ts), by running the same algorithms (../fm/queries.ts, ../trace/stages.ts) with
 * the index access sent to the servers.
 */

import { FmError, FmUnavailableError } from "../fm/errors";
import {
  type ContaminationEntry,
  type ContaminationResult,
  type CountResult,
  contaminationLabel,
  contaminationProbes,
  DEFAULT_MAX_QUERY_BYTES,
  type DocumentResult,
  type DocWindow,
  type FindResult,
  type Located,
  type QueryOptions,
  type ShardInfo,
  type ShardRef,
} from "../fm/index";
import type { IndexBackend } from "../fm/index-service";
import type { ServiceQuery } from "../fm/index-service-queries";
import type { Manifest } from "../fm/manifest";
import {
  countResult,
  findResult,
  queryBytes,
  selectShards,
  shardIndex,
  spreadOccurrences,
} from "../fm/queries";
import { deserializeTraceError } from "../trace/errors";
import type { LocatedRow, SpanPart, StageAnswer, TraceStage } from "../trace/stages";
import { runStages } from "../trace/stages";
import {
  type ContextRequest,
  contextSteps,
  type DocumentContext,
  type TraceInput,
  type TraceResult,
  traceSteps,
} from "../trace/trace";
import type { TraceBackend } from "../trace/trace-service";
import {
  fromBase64,
  PROTOCOL_VERSION,
  type ServerInfo,
  toBase64,
  type WireAnswer,
  type WireOp,
} from "./protocol";

export interface ClusterOptions {
  urls: string[];
  /** A server that has not answered a request after this long is treated as down (default 5000 ms). */
  timeoutMs?: number;
  /** A server that failed is not asked again for this long while a replica can answer (default 5000 ms). */
  retryAfterMs?: number;
  /** The servers' shared token (`engine serve` with ENGINE_TOKEN), sent as `Authorization: Bearer`. */
  token?: string;
}

export interface ServerHealth {
  url: string;
  status: "ok" | "down" | "refused";
  /** Names of the shards it holds (empty when it never answered). */
  shards: string[];
  latencyMs?: number;
  detail?: string;
}

class Server {
  shards: number[] = [];
  known = false;
  /** Why it is not used at all (another index or protocol). */
  refused: string | null = null;
  downUntil = 0;
  lastError: string | null = null;
  constructor(
    readonly url: string,
    /** Sent with every request (the token, when there is one). */
    readonly headers: Record<string, string>,
  ) {}
}

/** Work for the servers: an op over some shards (split among the servers that hold them). */
interface Item {
  shards: number[];
  op: (shards: number[]) => WireOp;
}

/** A server's answer for part of an item's shards: a result, or the query's error (thrown by `value`). */
interface Part {
  shards: number[];
  result?: unknown;
  error?: Error;
}

/** A part's result; throws its error (a caller's query error such as a rank out of range). */
function value(p: Part): unknown {
  if (p.error) throw p.error;
  return p.result;
}

const trimSlash = (u: string) => u.replace(/\/+$/, "");

/** Why a request to a server failed, in words (fetch's own message is only "fetch failed"). */
function failure(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message} (${cause})` : err.message || String(e);
}

export class ShardCluster {
  readonly manifest: Manifest;
  readonly checksum: string;
  /** The index's name, as the first server to answer reports it. */
  readonly name: string;
  readonly servers: Server[];
  readonly timeoutMs: number;
  readonly retryAfterMs: number;

  private constructor(info: ServerInfo, servers: Server[], opts: ClusterOptions) {
    this.manifest = info.manifest;
    this.checksum = info.checksum;
    this.name = info.name;
    this.servers = servers;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.retryAfterMs = opts.retryAfterMs ?? 5000;
  }

  /**
   * Asks every server for its /info. The first server that answers sets the index; one holding another
   * index (different manifest checksum) or speaking another protocol is refused for good. Servers that do
   * not answer are asked again when their shards are needed. Throws FmUnavailableError when none answers.
   */
  static async connect(opts: ClusterOptions): Promise<ShardCluster> {
    if (opts.urls.length === 0) throw new FmError("BAD_ARGUMENT", "no shard server URLs given");
    const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
    const servers = opts.urls.map((u) => new Server(trimSlash(u), auth));
    const timeoutMs = opts.timeoutMs ?? 5000;
    const infos = await Promise.all(servers.map((s) => fetchInfo(s, timeoutMs)));
    const first = infos.find((i): i is ServerInfo => i !== null);
    if (!first) {
      throw new FmUnavailableError(
        `no shard server answered: ${servers.map((s) => `${s.url} (${s.lastError})`).join("; ")}`,
        servers.map((s) => s.url),
        [],
      );
    }
    const cluster = new ShardCluster(first, servers, opts);
    infos.forEach((info, k) => {
      if (info) cluster.admit(servers[k], info);
    });
    return cluster;
  }

  private admit(server: Server, info: ServerInfo): void {
    server.known = true;
    if (info.protocol !== PROTOCOL_VERSION) {
      server.refused = `speaks protocol ${info.protocol}, this app ${PROTOCOL_VERSION}`;
    } else if (info.checksum !== this.checksum) {
      server.refused = `holds another index (manifest checksum ${info.checksum.slice(0, 12)}, expected ${this.checksum.slice(0, 12)})`;
    } else server.shards = info.shards;
    if (server.refused) console.error(`shard server ${server.url} refused: ${server.refused}`);
  }

  private shardNames(shards: readonly number[]): string {
    return shards.map((s) => this.manifest.shards[s]?.name ?? String(s)).join(", ");
  }

  /** Servers able to answer for a shard, best first: up ones in URL order, then ones in their retry pause. */
  private holders(shard: number, failed: Set<Server>): Server[] {
    const now = Date.now();
    const all = this.servers.filter((s) => !s.refused && !failed.has(s) && s.shards.includes(shard));
    return [...all.filter((s) => s.downUntil <= now), ...all.filter((s) => s.downUntil > now)];
  }

  /** Asks servers that never answered for their /info again (at most once per retry pause each). */
  private async probeUnknown(): Promise<boolean> {
    const now = Date.now();
    const due = this.servers.filter((s) => !s.known && s.downUntil <= now);
    const infos = await Promise.all(due.map((s) => fetchInfo(s, this.timeoutMs)));
    let found = false;
    infos.forEach((info, k) => {
      if (info) {
        this.admit(due[k], info);
        found = true;
      } else due[k].downUntil = Date.now() + this.retryAfterMs;
    });
    return found;
  }

  /**
   * Runs one stage: every item's shards are split among their servers, and each server gets ONE request
   * with all its ops. Servers that fail are retried on replicas (another request per replica round).
   * Returns, per item, the servers' parts (a query's own error is in its part). Throws FmUnavailableError
   * when some shard has no server left.
   */
  async exchange(items: readonly Item[]): Promise<Part[][]> {
    const out: Part[][] = items.map(() => []);
    let todo = items.map((item, i) => ({ i, shards: item.shards }));
    const failed = new Set<Server>();
    let probed = false;
    while (todo.length > 0) {
      const plan = new Map<Server, { i: number; shards: number[] }[]>();
      const orphans = new Set<number>();
      for (const unit of todo) {
        const byServer = new Map<Server, number[]>();
        for (const s of unit.shards) {
          const server = this.holders(s, failed)[0];
          if (!server) orphans.add(s);
          else byServer.set(server, [...(byServer.get(server) ?? []), s]);
        }
        for (const [server, shards] of byServer) {
          plan.set(server, [...(plan.get(server) ?? []), { i: unit.i, shards }]);
        }
      }
      if (orphans.size > 0) {
        if (!probed && this.servers.some((s) => !s.known)) {
          probed = true;
          if (await this.probeUnknown()) continue;
        }
        throw this.unavailable([...orphans].sort((a, b) => a - b));
      }
      const retry: { i: number; shards: number[] }[] = [];
      await Promise.all(
        [...plan].map(async ([server, units]) => {
          const ops = units.map((u) => items[u.i].op(u.shards));
          const answers = await this.post(server, ops);
          if (!answers) {
            failed.add(server);
            retry.push(...units);
            return;
          }
          units.forEach((u, k) => {
            out[u.i].push({ shards: u.shards, result: answers[k] });
          });
        }),
      );
      todo = retry;
    }
    return out.map((parts) =>
      parts.map((p) => {
        const a = p.result as WireAnswer;
        return a.ok
          ? { shards: p.shards, result: a.result }
          : { shards: p.shards, error: deserializeTraceError(a.error) };
      }),
    );
  }

  private unavailable(shards: number[]): FmUnavailableError {
    const names = this.shardNames(shards);
    const holders = this.servers.filter((s) => s.shards.some((x) => shards.includes(x)));
    const why = holders.length
      ? holders.map((s) => `${s.url} (holds ${this.shardNames(s.shards)}): ${s.lastError ?? "not answering"}`)
      : this.servers
          .filter((s) => !s.known || s.refused)
          .map((s) =>
            s.refused
              ? `${s.url} (refused: ${s.refused})`
              : `${s.url} (not reached since the app started): ${s.lastError ?? "no answer"}`,
          );
    return new FmUnavailableError(
      `No shard server answered for shard${shards.length > 1 ? "s" : ""} ${names}. ${why.join("; ") || "No server holds them."}`,
      (holders.length ? holders : this.servers).map((s) => s.url),
      shards.map((s) => this.manifest.shards[s]?.name ?? String(s)),
    );
  }

  /** One POST /batch; null when the server failed (it is then paused for retryAfterMs). */
  private async post(server: Server, ops: WireOp[]): Promise<WireAnswer[] | null> {
    try {
      const res = await fetch(`${server.url}/batch`, {
        method: "POST",
        headers: { ...server.headers, "content-type": "application/json" },
        body: JSON.stringify({ checksum: this.checksum, ops }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = (await res.json()) as { answers?: WireAnswer[]; error?: string };
      if (!res.ok || !Array.isArray(body.answers) || body.answers.length !== ops.length) {
        throw new Error(body.error ?? `HTTP ${res.status}`);
      }
      server.lastError = null;
      return body.answers;
    } catch (e) {
      server.lastError = failure(e, this.timeoutMs);
      server.downUntil = Date.now() + this.retryAfterMs;
      return null;
    }
  }

  /** Every server: up or not, and the shards it holds. */
  async health(): Promise<ServerHealth[]> {
    return Promise.all(
      this.servers.map(async (s): Promise<ServerHealth> => {
        const shards = s.shards.map((k) => this.manifest.shards[k].name);
        if (s.refused) return { url: s.url, status: "refused", shards, detail: s.refused };
        const t0 = performance.now();
        try {
          const res = await fetch(`${s.url}/health`, { signal: AbortSignal.timeout(this.timeoutMs) });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          await res.json();
          if (!s.known) await this.probeUnknown();
          const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
          return {
            url: s.url,
            status: "ok",
            shards: s.shards.map((k) => this.manifest.shards[k].name),
            latencyMs,
          };
        } catch (e) {
          return { url: s.url, status: "down", shards, detail: failure(e, this.timeoutMs) };
        }
      }),
    );
  }
}

async function fetchInfo(server: Server, timeoutMs: number): Promise<ServerInfo | null> {
  try {
    const res = await fetch(`${server.url}/info`, {
      headers: server.headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      const why = ((await res.json().catch(() => ({}))) as { error?: unknown }).error;
      throw new Error(`HTTP ${res.status}${typeof why === "string" ? `: ${why}` : ""}`);
    }
    const info = (await res.json()) as ServerInfo;
    if (!info || typeof info.checksum !== "string" || !Array.isArray(info.shards)) {
      throw new Error("not a shard server (GET /info gave no checksum)");
    }
    return info;
  } catch (e) {
    server.lastError = failure(e, timeoutMs);
    return null;
  }
}

/** A computation over the cluster: yields the items of each stage, receives their parts. */
type Plan<T> = Generator<Item[], T, Part[][]>;

const encoder = new TextEncoder();

/**
 * The index behind shard servers, answering like IndexService (same results, same errors): queries are
 * checked here, then each stage goes to the servers in one request each.
 */
export class RemoteIndex implements IndexBackend {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  maxQueryBytes = DEFAULT_MAX_QUERY_BYTES;
  private closed = false;

  constructor(readonly cluster: ShardCluster) {
    this.manifest = cluster.manifest;
    this.shards = cluster.manifest.shards.map((s, index) => ({
      index,
      name: s.name,
      domain: s.domain,
      docs: s.docs,
      bytes: s.bytes,
    }));
    this.domains = [...new Set(this.shards.map((s) => s.domain))];
  }

  private queryBytes(query: Uint8Array | string): Uint8Array {
    return queryBytes(query, this.maxQueryBytes);
  }

  private selectShards(opts: QueryOptions = {}): number[] {
    return selectShards(this.shards, this.domains, opts);
  }

  private shardIndex(ref: ShardRef): number {
    return shardIndex(this.shards, ref);
  }

  private async run<T>(plan: Plan<T>): Promise<T> {
    return (await this.runAll([plan]))[0];
  }

  /** Drives plans in lockstep: each round, all their items go out in one exchange (one request per server). */
  private async runAll<T>(plans: Plan<T>[]): Promise<T[]> {
    if (this.closed) throw new FmError("SERVICE_CLOSED", "the index service is closed");
    const results: T[] = new Array(plans.length);
    let live = plans.map((plan, k) => ({ plan, k, next: plan.next(undefined as unknown as Part[][]) }));
    for (;;) {
      for (const p of live) if (p.next.done) results[p.k] = p.next.value as T;
      live = live.filter((p) => !p.next.done);
      if (live.length === 0) return results;
      const items = live.flatMap((p) => p.next.value as Item[]);
      const parts = items.length > 0 ? await this.cluster.exchange(items) : [];
      let at = 0;
      for (const p of live) {
        const n = (p.next.value as Item[]).length;
        p.next = p.plan.next(parts.slice(at, at + n));
        at += n;
      }
    }
  }

  /** Rows per selected shard of a query (empty ranges left out). */
  private *findPlan(
    query: Uint8Array | string,
    opts: QueryOptions = {},
  ): Plan<{ shards: number[]; rows: Map<number, [number, number]> }> {
    const bytes = this.queryBytes(query);
    const shards = this.selectShards(opts);
    const b64 = toBase64(bytes);
    const [parts] = yield [{ shards, op: (s) => ({ op: "find", query: b64, shards: s }) }];
    const rows = new Map<number, [number, number]>();
    for (const p of parts) for (const [s, lo, hi] of value(p) as number[][]) rows.set(s, [lo, hi]);
    return { shards, rows };
  }

  private *countPlan(query: Uint8Array | string, opts?: QueryOptions): Plan<CountResult> {
    const { shards, rows } = yield* this.findPlan(query, opts);
    return countResult(this.shards, shards, (k) => {
      const r = rows.get(shards[k]);
      return r ? r[1] - r[0] : 0;
    });
  }

  private *findResultPlan(query: Uint8Array | string, opts?: QueryOptions): Plan<FindResult> {
    const { shards, rows } = yield* this.findPlan(query, opts);
    return findResult(this.shards, shards, (k) => rows.get(shards[k]));
  }

  private *onePlan<T>(
    shard: ShardRef,
    op: (s: number) => WireOp,
    map: (r: unknown) => T = (r) => r as T,
  ): Plan<T> {
    const s = this.shardIndex(shard);
    const [parts] = yield [{ shards: [s], op: () => op(s) }];
    return map(value(parts[0]));
  }

  private *searchDocsPlan(
    query: Uint8Array | string,
    opts: QueryOptions & { maxDocs?: number; maxContextBytes?: number } = {},
  ): Plan<{ count: number; docs: DocWindow[] }> {
    const bytes = this.queryBytes(query);
    const found = yield* this.findResultPlan(bytes, opts);
    const parts = yield spreadOccurrences(found, opts.maxDocs).map(({ shard, rank }) => ({
      shards: [shard],
      op: () => ({
        op: "docByRank",
        shard,
        rank,
        needleLength: bytes.length,
        maxContextBytes: opts.maxContextBytes,
      }),
    }));
    return { count: found.count, docs: parts.map((p) => value(p[0]) as DocWindow) };
  }

  private *contaminationPlan(
    entries: readonly ContaminationEntry[],
    opts: QueryOptions = {},
  ): Plan<ContaminationResult[]> {
    const shards = this.selectShards(opts);
    const probes = entries.map((e) => contaminationProbes(e.text));
    const queries = probes.flat().map((p) => toBase64(encoder.encode(p).subarray(0, this.maxQueryBytes)));
    const [parts] = yield [{ shards, op: (s) => ({ op: "countEach", queries, shards: s }) }];
    const total = new Float64Array(queries.length);
    for (const p of parts)
      (value(p) as number[]).forEach((c, i) => {
        total[i] += c;
      });
    let at = 0;
    return entries.map((entry, k) => {
      let found = 0;
      for (let i = 0; i < probes[k].length; i++) if (total[at + i] > 0) found++;
      at += probes[k].length;
      const share = probes[k].length === 0 ? 0 : found / probes[k].length;
      return {
        id: entry.id ?? String(k),
        probes: probes[k].length,
        found,
        share,
        label: contaminationLabel(share),
      };
    });
  }

  private plan(q: ServiceQuery): Plan<unknown> {
    switch (q.op) {
      case "count":
        return this.countPlan(q.query, q.opts);
      case "countAll":
        return (function* (self: RemoteIndex) {
          return (yield* self.countPlan(q.query, q.opts)).count;
        })(this);
      case "find":
        return this.findResultPlan(q.query, q.opts);
      case "locate":
        return this.onePlan<Located>(q.shard, (shard) => ({ op: "locate", shard, rank: q.rank }));
      case "extract":
        return this.onePlan(
          q.shard,
          (shard) => ({ op: "extract", shard, pos: q.pos, len: q.len }),
          (r) => fromBase64(r as string),
        );
      case "getDocByRank":
        return this.onePlan(q.shard, (shard) => ({ op: "docByRank", shard, rank: q.rank, ...q.opts }));
      case "getDocByPosition":
        return this.onePlan(q.shard, (shard) => ({
          op: "docByPosition",
          shard,
          position: q.position,
          ...q.opts,
        }));
      case "getDocument":
        return this.onePlan(q.shard, (shard) => ({ op: "document", shard, docIndex: q.docIndex, ...q.opts }));
      case "searchDocs":
        return this.searchDocsPlan(q.query, q.opts);
      case "contamination":
        return this.contaminationPlan(q.entries, q.opts);
      case "extendAllLeft":
        throw new FmError(
          "BAD_ARGUMENT",
          "extendAllLeft is not served by shard servers (one round trip per byte)",
        );
    }
  }

  /** Runs many queries with one request per server per stage; each answer is {ok, result} or {ok: false, error}. */
  async batch(
    queries: ServiceQuery[],
  ): Promise<({ ok: true; result: unknown } | { ok: false; error: Error })[]> {
    // Each query is checked alone, so one bad query does not sink the rest; the servers see one request.
    const planned = queries.map((q) => {
      try {
        return { plan: this.plan(q) };
      } catch (e) {
        return { error: e as Error };
      }
    });
    const wrapped = planned.map((p) =>
      "plan" in p
        ? (function* () {
            try {
              return { ok: true as const, result: yield* p.plan! };
            } catch (e) {
              return { ok: false as const, error: e as Error };
            }
          })()
        : (function* () {
            yield [];
            return { ok: false as const, error: p.error };
          })(),
    );
    return this.runAll(wrapped as Plan<{ ok: true; result: unknown } | { ok: false; error: Error }>[]);
  }

  count(query: string | Uint8Array, opts?: QueryOptions): Promise<CountResult> {
    return this.run(this.countPlan(query, opts));
  }
  async countAll(query: string | Uint8Array, opts?: QueryOptions): Promise<number> {
    return (await this.count(query, opts)).count;
  }
  find(query: string | Uint8Array, opts?: QueryOptions): Promise<FindResult> {
    return this.run(this.findResultPlan(query, opts));
  }
  locate(shard: ShardRef, rank: number): Promise<Located> {
    return this.run(this.plan({ op: "locate", shard, rank }) as Plan<Located>);
  }
  extract(shard: ShardRef, pos: number, len: number): Promise<Uint8Array> {
    return this.run(this.plan({ op: "extract", shard, pos, len }) as Plan<Uint8Array>);
  }
  getDocByRank(
    shard: ShardRef,
    rank: number,
    opts?: { needleLength?: number; maxContextBytes?: number },
  ): Promise<DocWindow> {
    return this.run(this.plan({ op: "getDocByRank", shard, rank, opts }) as Plan<DocWindow>);
  }
  getDocByPosition(
    shard: ShardRef,
    position: number,
    opts?: { length?: number; maxContextBytes?: number },
  ): Promise<DocWindow> {
    return this.run(this.plan({ op: "getDocByPosition", shard, position, opts }) as Plan<DocWindow>);
  }
  getDocument(shard: ShardRef, docIndex: number, opts?: { maxBytes?: number }): Promise<DocumentResult> {
    return this.run(this.plan({ op: "getDocument", shard, docIndex, opts }) as Plan<DocumentResult>);
  }
  searchDocs(
    query: string | Uint8Array,
    opts?: QueryOptions & { maxDocs?: number; maxContextBytes?: number },
  ): Promise<{ count: number; docs: DocWindow[] }> {
    return this.run(this.searchDocsPlan(query, opts));
  }
  contamination(entries: ContaminationEntry[], opts?: QueryOptions): Promise<ContaminationResult[]> {
    return this.run(this.contaminationPlan(entries, opts));
  }

  /** Answers a trace stage (stages.ts) with one request per server. */
  async stage(stage: TraceStage): Promise<StageAnswer> {
    if (this.closed) throw new FmError("SERVICE_CLOSED", "the index service is closed");
    switch (stage.stage) {
      case "spans": {
        const [parts] = await this.cluster.exchange([
          { shards: stage.shards, op: (s) => ({ op: "spans", response: stage.response, shards: s }) },
        ]);
        return parts.map((p) => value(p) as SpanPart);
      }
      case "terms": {
        const [parts] = await this.cluster.exchange([
          { shards: stage.shards, op: (s) => ({ op: "terms", terms: stage.terms, shards: s }) },
        ]);
        return parts.map((p) => value(p) as number[]);
      }
      case "locate": {
        const parts = await this.cluster.exchange(
          stage.rows.map((r) => ({
            shards: [r.shard],
            op: () => ({ op: "locate", shard: r.shard, rank: r.rank }),
          })),
        );
        return parts.map((p) => value(p[0]) as LocatedRow);
      }
      case "windows": {
        const parts = await this.cluster.exchange(
          stage.windows.map((w) => ({
            shards: [w.shard],
            op: () => ({
              op: "docByPosition",
              shard: w.shard,
              position: w.position,
              length: w.length,
              maxContextBytes: w.maxContextBytes,
            }),
          })),
        );
        return parts.map((p) => value(p[0]) as DocWindow);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Traces over shard servers, answering like TraceService (the same staged algorithm, trace.ts). */
export class RemoteTrace implements TraceBackend {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  readonly workerCount = 0;
  constructor(private readonly index: RemoteIndex) {
    this.manifest = index.manifest;
    this.shards = index.shards;
    this.domains = index.domains;
  }
  trace(input: TraceInput): Promise<TraceResult> {
    return runStages(traceSteps(this.index, input), (s) => this.index.stage(s));
  }
  context(req: ContextRequest): Promise<DocumentContext> {
    return runStages(contextSteps(this.index, req), (s) => this.index.stage(s));
  }
  async close(): Promise<void> {}
}

/** Connects to shard servers (see ShardCluster.connect): the index and trace backends over them. */
export async function connectShardServers(
  opts: ClusterOptions,
): Promise<{ cluster: ShardCluster; index: RemoteIndex; trace: RemoteTrace }> {
  const cluster = await ShardCluster.connect(opts);
  const index = new RemoteIndex(cluster);
  return { cluster, index, trace: new RemoteTrace(index) };
}
