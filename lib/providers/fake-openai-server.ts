/**
 * A fake OpenAI-compatible server for tests (unit and Playwright): answers POST /v1/chat/completions by
 * replaying a recorded stream of ./fixtures/ byte for byte, cut into small network chunks (so events, lines
 * and UTF-8 characters arrive split), optionally after failing the first requests with a status and a
 * Retry-After header. GET /v1/models lists the configured models. Binds to loopback only. `chunkedBody` cuts
 * bytes into a response body the same way without a server.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

/** The recordings in ./fixtures (file names without ".sse"). */
export const RECORDINGS = [
  "openai",
  "vllm-reasoning",
  "vllm-error",
  "vllm-think-open-stripped",
  "ollama",
  "ollama-think-tags",
  "llamacpp",
  "llamacpp-error",
  "llama-cpp-python-crlf",
  "openrouter-reasoning",
  "openrouter-error",
] as const;
export type Recording = (typeof RECORDINGS)[number];

/** What a recording holds (its .sse.json): the answer and reasoning it streams, and its usage. */
export interface RecordingInfo {
  server: string;
  source: string;
  answer: string;
  reasoning: string;
  usage: [number, number] | null;
  error?: string;
}

export function readRecording(name: Recording): { bytes: Buffer; info: RecordingInfo } {
  const file = path.join(FIXTURES_DIR, `${name}.sse`);
  return {
    bytes: readFileSync(file),
    info: JSON.parse(readFileSync(`${file}.json`, "utf8")) as RecordingInfo,
  };
}

export interface FakeModel {
  recording: Recording;
  /** Fail this many requests first with `status` (default 503), sending `retryAfter` as Retry-After. */
  failFirst?: { times: number; status?: number; retryAfter?: string };
  /** Pause between network chunks (default: the server's). */
  delayMs?: number;
}

export interface FakeServerOptions {
  models: Record<string, FakeModel>;
  port?: number;
  /** Bytes per network chunk (default 7: events, lines and characters arrive cut). */
  chunkBytes?: number;
  delayMs?: number;
}

export interface SeenRequest {
  model: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeServer {
  /** Base URL to register: http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Requests being answered right now, per model, and the most seen at once. */
  inFlight: Map<string, number>;
  maxInFlight: Map<string, number>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
      if (body.length > 5_000_000) req.destroy(new Error("body too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

export async function startFakeOpenAiServer(opts: FakeServerOptions): Promise<FakeServer> {
  const chunkBytes = Math.max(1, opts.chunkBytes ?? 7);
  const failures = new Map<string, number>();
  const requests: SeenRequest[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const server: Server = createServer(async (req, res) => {
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(value));
    };
    if (req.method === "GET" && req.url === "/v1/models") {
      return json(200, {
        object: "list",
        data: Object.keys(opts.models).map((id) => ({ id, object: "model", owned_by: "fake" })),
      });
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions")
      return json(404, {
        error: { message: `No route ${req.method} ${req.url}`, type: "invalid_request_error" },
      });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return json(400, { error: { message: "The body is not JSON.", type: "invalid_request_error" } });
    }
    const name = String(body.model ?? "");
    requests.push({ model: name, authorization: req.headers.authorization, body, at: Date.now() });
    const model = opts.models[name];
    if (!model)
      return json(404, {
        error: {
          message: `The model '${name}' does not exist`,
          type: "invalid_request_error",
          code: "model_not_found",
        },
      });
    const failed = failures.get(name) ?? 0;
    if (model.failFirst && failed < model.failFirst.times) {
      failures.set(name, failed + 1);
      const status = model.failFirst.status ?? 503;
      return json(
        status,
        {
          error: {
            message: status === 429 ? "Rate limit reached" : "The server is overloaded",
            type: "server_error",
          },
        },
        model.failFirst.retryAfter !== undefined ? { "retry-after": model.failFirst.retryAfter } : {},
      );
    }
    const now = (inFlight.get(name) ?? 0) + 1;
    inFlight.set(name, now);
    maxInFlight.set(name, Math.max(maxInFlight.get(name) ?? 0, now));
    const { bytes } = readRecording(model.recording);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const delay = model.delayMs ?? opts.delayMs ?? 0;
    let gone = false;
    res.on("close", () => {
      gone = true;
    });
    try {
      for (let at = 0; at < bytes.length && !gone; at += chunkBytes) {
        res.write(bytes.subarray(at, at + chunkBytes));
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      }
      res.end();
    } finally {
      inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    inFlight,
    maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A response body delivering `bytes` in chunks of `size` bytes. */
export function chunkedBody(bytes: Uint8Array, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(new Uint8Array(bytes.subarray(at, at + size)));
      at += size;
    },
  });
}
