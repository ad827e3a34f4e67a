/**
 * The process's life, shared by the Next.js bundles and the production server (bundled apart) through
 * globalThis and the SERVER_READY channel: whether start-up finished, whether the process is draining for
 * shutdown (SIGTERM), and closing the database pools at the end.
 */
import { subscribe } from "node:diagnostics_channel";
import { SERVER_READY } from "./server-ready";

const g = globalThis as unknown as {
  __lmrLifecycle?: { started: boolean; draining: boolean };
  __lmrDb?: { $disconnect(): Promise<void> };
  __lmrSql?: { close(): Promise<void> };
};

function state() {
  if (!g.__lmrLifecycle) {
    const s = { started: false, draining: false };
    g.__lmrLifecycle = s;
    subscribe(SERVER_READY, () => {
      s.started = true;
    });
  }
  return g.__lmrLifecycle;
}
state();

/** Start-up work (configuration, migrations, seeding) is done. */
export function isStarted(): boolean {
  return state().started;
}

/** SIGTERM arrived: readiness fails, so load balancers stop sending new work here. */
export function isDraining(): boolean {
  return state().draining;
}

export function setDraining(): void {
  state().draining = true;
}

/** Closes the process's database clients (Prisma's and the plain-SQL one), if they were opened. */
export async function closeDatabasePools(): Promise<void> {
  const db = g.__lmrDb;
  const sql = g.__lmrSql;
  g.__lmrDb = undefined;
  g.__lmrSql = undefined;
  await Promise.allSettled([db?.$disconnect(), sql?.close()]);
}
