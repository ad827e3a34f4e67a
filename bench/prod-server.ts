/**
 * The production server (`dist/server/index.cjs`) on loopback, on a throwaway data folder, for the benches that
 * drive it over HTTP (bench/arena.ts, bench/abuse.ts). Started in its own process group, so stopping it hits
 * nothing else.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface ProdServerOptions {
  port: number;
  dataDir: string;
  secret: string;
  /** Extra environment (throttle limits, TRUST_PROXY, ...). */
  env?: Record<string, string>;
  /** Node flags before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** Starts the server and resolves once /api/health answers (at most 90 s); rejects with its last stderr. */
export async function startProdServer(o: ProdServerOptions): Promise<ChildProcess> {
  const server = spawn(
    process.execPath,
    [
      ...(o.nodeArgs ?? []),
      path.join("dist", "server", "index.cjs"),
      "-p",
      String(o.port),
      "-H",
      "127.0.0.1",
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATA_DIR: o.dataDir,
        NEXTAUTH_SECRET: o.secret,
        NEXTAUTH_URL: `http://127.0.0.1:${o.port}`,
        INDEX_DIR: process.env.INDEX_DIR ?? path.resolve("data/index/flexmix-mini"),
        NEXT_TELEMETRY_DISABLED: "1",
        ...o.env,
      },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    },
  );
  let stderr = "";
  server.stderr?.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const r = await fetch(`http://127.0.0.1:${o.port}/api/health`, { signal: AbortSignal.timeout(5000) });
      if (r.ok) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy in 90 s: ${stderr}`);
}

/**
 * Stops a server from startProdServer and waits for it to exit (at most 10 s). SIGKILL by default: a
 * throwaway server needs no graceful shutdown (that would wait for idle keep-alive connections).
 */
export async function stopProdServer(
  s: ChildProcess | null,
  signal: NodeJS.Signals = "SIGKILL",
): Promise<void> {
  if (!s || s.exitCode !== null || s.signalCode !== null || !s.pid) return;
  const exited = new Promise((r) => s.once("exit", r));
  try {
    process.kill(-s.pid, signal); // its own process group (detached): nothing else is hit
  } catch {}
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
}
