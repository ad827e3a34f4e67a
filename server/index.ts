/**
 * The production HTTP server (`npm start`, the end-to-end tests, the arena bench): Next.js's own request
 * handler (the one `next start` uses) behind a few fast routes answered directly (./fast-routes.ts).
 *
 *   node dist/server/index.cjs [-p PORT] [-H HOST]      (PORT from the environment otherwise; all interfaces
 *                                                      unless -H; HOSTNAME is not read: containers set it)
 *
 * Bundled by scripts/build-engine.ts. Stops cleanly on SIGINT/SIGTERM (open keep-alive connections are
 * closed), so profilers and test runners see a normal exit.
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "../lib/client-address";
import { HSTS, servedOverHttps } from "../lib/csp";
import { env } from "../lib/env";
import { sessionSecrets } from "../lib/secrets";
import { fastRoutes, refuseKnownThrottled, refuseOversizedBody } from "./fast-routes";

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
  const trustProxy = env().TRUST_PROXY;
  const publicUrl = env().NEXTAUTH_URL;
  const server = createServer((req, res) => {
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
      console.error(e);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end("Internal Server Error");
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  console.log(`ready on http://${hostname ?? "localhost"}:${port}`);
  // Start the app's own start-up work (instrumentation: migrations, seeding, model and index) now
  // rather than on the first visitor's request.
  const local =
    !hostname || hostname === "0.0.0.0" || hostname === "::"
      ? "127.0.0.1"
      : hostname.includes(":")
        ? `[${hostname}]`
        : hostname;
  fetch(`http://${local}:${port}/api/health`)
    .then((r) => r.arrayBuffer())
    .catch(() => {});
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
