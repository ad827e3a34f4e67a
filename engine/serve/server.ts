/**
 * `engine serve`: some or all shards of an index over HTTP (node:http; protocol.ts). The shards are loaded
 * once (sizes and CRC-32s checked) into shared memory and queried from worker threads (the trace service's
 * pool: index queries and trace stages alike), so one server answers as many requests at once as it has
 * workers. The server knows nothing of users or databases. With a token, every request but GET /health must
 * carry `Authorization: Bearer <token>` (the app sends ENGINE_TOKEN); a server listening beyond loopback
 * refuses to start without one unless told it sits on a private network (`allowNoToken`).
 *
 *   const server = await startShardServer({ dir: "data/index/flexmix-mini", shards: "0,2", port: 4200 });
 *   server.url; await server.close();
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, resolve } from "node:path";
import { FmUsageError, type SerializedFmError } from "../fm/errors";
import { loadIndexFiles, readManifest } from "../fm/index";
import type { ServiceQuery } from "../fm/index-service-queries";
import type { Manifest } from "../fm/manifest";
import type { BatchAnswer, BatchQuery } from "../trace/jobs";
import type { SpanPart } from "../trace/stages";
import { createTraceService } from "../trace/trace-service";
import {
  type BatchRequest,
  fromBase64,
  manifestChecksum,
  PROTOCOL_VERSION,
  type ServerInfo,
  toBase64,
  type WireAnswer,
  type WireOp,
} from "./protocol";

export interface ShardServerOptions {
  dir: string;
  /** Shards to serve: "all" (default), or a comma-separated list of names, numbers and ranges "2-5". */
  shards?: string;
  port: number;
  /** Address to listen on (default 127.0.0.1; 0.0.0.0 for other machines). */
  host?: string;
  /** Worker threads answering queries (default 2). */
  workers?: number;
  /** Largest request body (default 16 MB). */
  maxBodyBytes?: number;
  /** Shared secret every request but GET /health must present as `Authorization: Bearer <token>`. */
  token?: string;
  /** Listen beyond loopback without a token (a private network the operator trusts). */
  allowNoToken?: boolean;
}

/** Shortest token accepted: guessing it must be out of reach. */
export const MIN_TOKEN_LENGTH = 16;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Throws FmUsageError for a token too short, or for a server beyond loopback with no token. */
export function checkTokenSettings(host: string, token: string | undefined, allowNoToken = false): void {
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new FmUsageError(`the shard-server token must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  if (token === undefined && !allowNoToken && !LOOPBACK.test(host)) {
    throw new FmUsageError(
      `listening on ${host} without a token: set ENGINE_TOKEN (the app sends the same) or pass --no-token ` +
        "if only trusted machines can reach this port",
    );
  }
}

/** Whether an Authorization header carries the token (constant time in the header's content). */
function hasToken(header: string | undefined, digest: Buffer): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? "");
  if (!m) return false;
  return timingSafeEqual(createHash("sha256").update(m[1]).digest(), digest);
}

export interface ShardServer {
  url: string;
  info: ServerInfo;
  close(): Promise<void>;
}

/** Manifest positions named by a shard list ("all", or names, numbers and ranges). Throws FmUsageError. */
export function parseShardList(list: string | undefined, manifest: Manifest): number[] {
  const n = manifest.shards.length;
  if (list === undefined || list.trim() === "all") return Array.from({ length: n }, (_, k) => k);
  const out = new Set<number>();
  for (const raw of list.split(",")) {
    const item = raw.trim();
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a > b || b >= n) throw new FmUsageError(`shard range ${item} is outside 0-${n - 1}`);
      for (let k = a; k <= b; k++) out.add(k);
      continue;
    }
    const k = /^\d+$/.test(item) ? Number(item) : manifest.shards.findIndex((s) => s.name === item);
    if (k < 0 || k >= n) {
      throw new FmUsageError(
        `unknown shard "${item}" (shards: ${manifest.shards.map((s, i) => `${i} ${s.name}`).join(", ")})`,
      );
    }
    out.add(k);
  }
  if (out.size === 0) throw new FmUsageError("the shard list is empty");
  return [...out].sort((a, b) => a - b);
}

const badOp = (message: string, code = "BAD_ARGUMENT"): WireAnswer => ({
  ok: false,
  error: { name: "FmQueryError", code, message } as SerializedFmError,
});

const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const optInt = (v: unknown) => v === undefined || isInt(v);
const isShardList = (v: unknown): v is number[] => Array.isArray(v) && v.length <= 100_000 && v.every(isInt);
const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 100_000 && v.every((s) => typeof s === "string");

/** Starts a shard server; resolves once it listens. Throws FmIndexFileError for a bad index. */
export async function startShardServer(opts: ShardServerOptions): Promise<ShardServer> {
  checkTokenSettings(opts.host ?? "127.0.0.1", opts.token, opts.allowNoToken);
  const tokenDigest = opts.token === undefined ? null : createHash("sha256").update(opts.token).digest();
  const whole = readManifest(opts.dir);
  const held = parseShardList(opts.shards, whole);
  const workers = opts.workers ?? 2;
  const loaded = loadIndexFiles(opts.dir, workers > 0, held);
  const service = await createTraceService({ dir: opts.dir, workers, loaded });
  const local = new Map(held.map((g, k) => [g, k]));
  const info: ServerInfo = {
    protocol: PROTOCOL_VERSION,
    name: basename(resolve(opts.dir)),
    checksum: manifestChecksum(whole),
    manifest: whole,
    shards: held,
  };
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const heldNames = held.map((g) => whole.shards[g].name).join(", ");

  /** An op as queries for the worker, and how to turn their answers into the op's answer. */
  const translate = (
    op: WireOp,
  ): { queries: BatchQuery[]; finish: (a: BatchAnswer[]) => WireAnswer } | WireAnswer => {
    if (typeof op !== "object" || op === null) return badOp("an op must be an object");
    const toLocal = (g: unknown): number | WireAnswer => {
      if (!isInt(g) || !local.has(g)) {
        return badOp(
          `shard ${JSON.stringify(g)} is not served here (this server holds ${heldNames})`,
          "UNKNOWN_SHARD",
        );
      }
      return local.get(g)!;
    };
    const toLocalAll = (gs: unknown): number[] | WireAnswer => {
      if (!isShardList(gs)) return badOp("shards must be a list of shard numbers");
      const out: number[] = [];
      for (const g of gs) {
        const l = toLocal(g);
        if (typeof l !== "number") return l;
        out.push(l);
      }
      return out;
    };
    const one = (q: ServiceQuery | BatchQuery, map: (r: unknown) => unknown = (r) => r) => ({
      queries: [q as BatchQuery],
      finish: ([a]: BatchAnswer[]): WireAnswer => (a.ok ? { ok: true, result: map(a.result) } : a),
    });
    switch (op.op) {
      case "find": {
        const shards = toLocalAll(op.shards);
        if (!Array.isArray(shards)) return shards;
        if (typeof op.query !== "string") return badOp("query must be base64 bytes");
        return one({ op: "find", query: fromBase64(op.query), opts: { shards } }, (r) =>
          (r as { segments: { shard: number; lo: number; hi: number }[] }).segments.map((s) => [
            held[s.shard],
            s.lo,
            s.hi,
          ]),
        );
      }
      case "countEach": {
        const shards = toLocalAll(op.shards);
        if (!Array.isArray(shards)) return shards;
        if (!isStringList(op.queries)) return badOp("queries must be a list of base64 strings");
        const queries: BatchQuery[] = op.queries.map((q) => ({
          op: "countAll",
          query: fromBase64(q),
          opts: { shards },
        }));
        return {
          queries,
          finish: (answers) => {
            const bad = answers.find((a) => !a.ok);
            if (bad) return bad;
            return { ok: true, result: answers.map((a) => (a as { result: number }).result) };
          },
        };
      }
      case "locate":
      case "extract":
      case "docByRank":
      case "docByPosition":
      case "document": {
        const shard = toLocal(op.shard);
        if (typeof shard !== "number") return shard;
        if (op.op === "locate") {
          if (!isInt(op.rank)) return badOp("rank must be a whole number >= 0");
          return one({ op: "locate", shard, rank: op.rank });
        }
        if (op.op === "extract") {
          if (!isInt(op.pos) || !isInt(op.len) || op.len > 16 * 1024 * 1024) return badOp("bad pos or len");
          return one({ op: "extract", shard, pos: op.pos, len: op.len }, (r) => toBase64(r as Uint8Array));
        }
        if (op.op === "docByRank") {
          if (!isInt(op.rank) || !optInt(op.needleLength) || !optInt(op.maxContextBytes))
            return badOp("rank, needleLength and maxContextBytes must be whole numbers >= 0");
          return one({
            op: "getDocByRank",
            shard,
            rank: op.rank,
            opts: { needleLength: op.needleLength, maxContextBytes: op.maxContextBytes },
          });
        }
        if (op.op === "docByPosition") {
          if (!Number.isInteger(op.position) || !optInt(op.length) || !optInt(op.maxContextBytes))
            return badOp("position, length and maxContextBytes must be whole numbers");
          return one({
            op: "getDocByPosition",
            shard,
            position: op.position,
            opts: { length: op.length, maxContextBytes: op.maxContextBytes },
          });
        }
        if (!Number.isInteger(op.docIndex) || !optInt(op.maxBytes))
          return badOp("docIndex and maxBytes must be whole numbers");
        return one({ op: "getDocument", shard, docIndex: op.docIndex, opts: { maxBytes: op.maxBytes } });
      }
      case "spans": {
        const shards = toLocalAll(op.shards);
        if (!Array.isArray(shards)) return shards;
        if (typeof op.response !== "string") return badOp("response must be a string");
        return one({ op: "stage", stage: { stage: "spans", response: op.response, shards } }, (r) => {
          const part = (r as SpanPart[])[0];
          for (const s of part.spans) for (const row of s.rows) row.shard = held[row.shard];
          return part;
        });
      }
      case "terms": {
        const shards = toLocalAll(op.shards);
        if (!Array.isArray(shards)) return shards;
        if (!isStringList(op.terms)) return badOp("terms must be a list of strings");
        return one(
          { op: "stage", stage: { stage: "terms", terms: op.terms, shards } },
          (r) => (r as number[][])[0],
        );
      }
      default:
        return badOp(`unknown op ${JSON.stringify((op as { op?: unknown }).op)}`);
    }
  };

  const answerBatch = async (body: BatchRequest): Promise<WireAnswer[]> => {
    const plans = body.ops.map(translate);
    const queries: BatchQuery[] = [];
    const at: number[] = [];
    for (const p of plans) {
      at.push(queries.length);
      if ("queries" in p) queries.push(...p.queries);
    }
    const answers = queries.length > 0 ? await service.batch(queries) : [];
    return plans.map((p, i) =>
      "queries" in p ? p.finish(answers.slice(at[i], at[i] + p.queries.length)) : p,
    );
  };

  const send = (res: ServerResponse, status: number, value: unknown) => {
    const text = JSON.stringify(value);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };

  /** The body as text, or null when it is over the limit (the rest is read and dropped: flat memory). */
  const readBody = (req: IncomingMessage): Promise<string | null> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= maxBody) chunks.push(c);
        else chunks.length = 0;
      });
      req.on("end", () => resolve(size > maxBody ? null : Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });

  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? "/").split("?")[0];
      if (tokenDigest && path !== "/health" && !hasToken(req.headers.authorization, tokenDigest)) {
        req.resume();
        return send(res, 401, {
          error: "missing or wrong token: send Authorization: Bearer <ENGINE_TOKEN>",
          code: "UNAUTHORIZED",
        });
      }
      if (path === "/info" || path === "/health") {
        if (req.method !== "GET") return send(res, 405, { error: "use GET" });
        return send(res, 200, path === "/info" ? info : { status: "ok", shards: held });
      }
      if (path !== "/batch")
        return send(res, 404, { error: "unknown path (GET /info, GET /health, POST /batch)" });
      if (req.method !== "POST") return send(res, 405, { error: "use POST" });
      const text = await readBody(req);
      if (text === null) return send(res, 413, { error: `the request body is over ${maxBody} bytes` });
      let body: BatchRequest;
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, 400, { error: "the request body is not valid JSON" });
      }
      if (typeof body !== "object" || body === null || !Array.isArray(body.ops)) {
        return send(res, 400, { error: "the request body must be {checksum, ops: [...]}" });
      }
      if (body.checksum !== info.checksum) {
        return send(res, 409, {
          error: `this server holds another index (manifest checksum ${info.checksum}, the request expects ${body.checksum})`,
          code: "INDEX_MISMATCH",
        });
      }
      send(res, 200, { answers: await answerBatch(body) });
    } catch (e) {
      if (!res.headersSent) send(res, 500, { error: (e as Error).message });
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    info,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await service.close();
    },
  };
}
