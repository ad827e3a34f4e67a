/**
 * The production HTTP server (`npm start`, the end-to-end tests, the arena bench, the cluster test):
 * Next.js's own request handler (the one `next start` uses) behind a few fast routes answered directly
 * (./fast-routes.ts), with JSON request logs and a draining shutdown (./http-server.ts).
 *
 *   node dist/server/index.cjs [-p PORT] [-H HOST]      (PORT from the environment otherwise; all interfaces
 *                                                      unless -H; HOSTNAME is not read: containers set it)
 *
 * SIGTERM (or SIGINT): readiness turns 503, the listening socket closes, judge runs in progress go back to
 * the job queue at once (another instance carries on), in-flight requests and streams and short jobs get
 * SHUTDOWN_GRACE_MS to finish, then the database pools close and the process exits 0. A second signal
 * exits at once. Bundled by scripts/build-engine.ts.
 */
import { parseArgs } from "node:util";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "../lib/client-address";
import { HSTS, servedOverHttps } from "../lib/csp";
import { env } from "../lib/env";
import { stopJobs } from "../lib/jobs";
import { closeDatabasePools, setDraining } from "../lib/lifecycle";
import { log } from "../lib/log";
import { sessionSecrets } from "../lib/secrets";
import { fastRoutes, refuseKnownThrottled, refuseOversizedBody } from "./fast-routes";
import { createAppServer } from "./http-server";

const serverLog = log("server");

async function main() {
  const { values } = parseArgs({
    options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
  });
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const hostname = values.hostname;
  (process.env as Record<string, string>).NODE_ENV ??= "production";
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: process.cwd(), port, hostname: hostname ?? "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();
  const fastRoute = fastRoutes(sessionSecrets);
  const { TRUST_PROXY: trustProxy, NEXTAUTH_URL: publicUrl, SHUTDOWN_GRACE_MS: graceMs } = env();
  const requestLog = log("http");
  const appServer = createAppServer((req, res) => {
    // The client's address for per-address throttles, from the socket (and X-Forwarded-For only as far as
    // TRUST_PROXY says); whatever a client sent in this header is replaced.
    const address = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustProxy);
    req.headers[CLIENT_ADDRESS_HEADER] = address;
    // HSTS when the app is served over https: its public URL says so, or a trusted proxy (TRUST_PROXY) does.
    if (servedOverHttps(req.headers["x-forwarded-proto"], { publicUrl, trustProxy }))
      res.setHeader("strict-transport-security", HSTS);
    if (refuseOversizedBody(req, res) || refuseKnownThrottled(req, res, address) || fastRoute(req, res))
      return;
    handle(req, res).catch((e: unknown) => {
      requestLog.error(
        { err: e instanceof Error ? (e.stack ?? e.message) : String(e), route: req.url },
        "unhandled error",
      );
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end("Internal Server Error");
      }
    });
  }, requestLog);
  const { server } = appServer;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  serverLog.info(
    { url: `http://${hostname ?? "localhost"}:${port}` },
    `ready on http://${hostname ?? "localhost"}:${port}`,
  );
  // Start the app's own start-up work (instrumentation: migrations, seeding, model and index) now
  // rather than on the first visitor's request.
  const local =
    !hostname || hostname === "0.0.0.0" || hostname === "::"
      ? "127.0.0.1"
      : hostname.includes(":")
        ? `[${hostname}]`
        : hostname;
  fetch(`http://${local}:${port}/api/health/live`)
    .then((r) => r.arrayBuffer())
    .catch(() => {});

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      serverLog.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    const started = Date.now();
    serverLog.info({ signal, inFlight: appServer.inFlight(), graceMs }, "shutting down: draining");
    setDraining();
    const [allFinished] = await Promise.all([appServer.drain(graceMs), stopJobs(graceMs)]);
    await closeDatabasePools();
    serverLog.info({ allFinished, ms: Date.now() - started }, "stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e) => {
  serverLog.fatal(
    { err: e instanceof Error ? (e.stack ?? e.message) : String(e) },
    "the server did not start",
  );
  process.exit(1);
});
