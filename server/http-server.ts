/**
 * The production server's HTTP layer, apart from Next.js so it can be tested alone: one JSON log line per
 * request (pino: request id, method, route, status, duration) and a clean shutdown.
 *
 * Shutdown (`drain`, on SIGTERM): the listening socket closes at once (no new connections), idle keep-alive
 * connections are closed, requests already in progress (streamed arena answers, exports, SSE) go on until
 * they end or `graceMs` passes, and any answer sent meanwhile carries `Connection: close`. Then the
 * remaining connections are cut. The caller then releases job leases and closes the database pools.
 *
 * A connection the server ends after an answer while the client may still be sending (a 413 for a body over
 * its limit) closes with a lingering close (./lingering-close.ts), so the client reads the answer instead of
 * a connection reset.
 *
 * Request logs are written here rather than with pino-http because pino-http logs request and response
 * headers by default (session cookies, API keys); these five fields are all the lines need.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { lingerOnClose } from "./lingering-close";

export interface AppServer {
  server: Server;
  /** Requests started and not yet finished. */
  inFlight(): number;
  /** Stops accepting and waits for in-flight requests up to `graceMs`; resolves true when all finished. */
  drain(graceMs: number): Promise<boolean>;
}

/** A caller's request id when it looks like one (proxies set X-Request-Id), else a new UUID. */
function requestId(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

export function createAppServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  log: Logger,
): AppServer {
  let draining = false;
  const active = new Set<ServerResponse>();
  let onIdle: (() => void) | null = null;

  const server = createServer((req, res) => {
    const id = requestId(req);
    const started = performance.now();
    active.add(res);
    res.setHeader("x-request-id", id);
    if (draining) res.setHeader("connection", "close");
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const route = q === -1 ? url : url.slice(0, q);
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      active.delete(res);
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const line = { reqId: id, method: req.method, route, status: res.statusCode, durationMs };
      // A client that goes away early (a cancelled prefetch, a closed tab) is routine: info, not a warning.
      if (!res.writableFinished) log.info({ ...line, aborted: true }, "request aborted");
      else if (res.statusCode >= 500) log.error(line, "request");
      else log.info(line, "request");
      if (active.size === 0) onIdle?.();
    };
    res.once("finish", done);
    res.once("close", done);
    handle(req, res);
  });
  // A connection ended after its answer (a 413, `Connection: close`) stays open for the client to read it.
  lingerOnClose(server);

  return {
    server,
    inFlight: () => active.size,
    drain(graceMs) {
      draining = true;
      server.close();
      server.closeIdleConnections();
      return new Promise<boolean>((resolve) => {
        const finish = (all: boolean) => {
          clearTimeout(timer);
          clearInterval(idleSweep);
          onIdle = null;
          server.closeAllConnections();
          resolve(all);
        };
        const timer = setTimeout(() => finish(active.size === 0), graceMs);
        // Keep-alive connections that become idle during the drain are closed as they do.
        const idleSweep = setInterval(() => server.closeIdleConnections(), 200);
        onIdle = () => finish(true);
        if (active.size === 0) finish(true);
      });
    },
  };
}
