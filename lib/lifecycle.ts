/**
 * The process's life, shared by the Next.js bundles and the production server (bundled apart) through
 * a process singleton and the SERVER_READY channel: whether start-up finished, whether the process is draining for
 * shutdown (SIGTERM), and closing the database pools at the end.
 */
import { subscribe } from "node:diagnostics_channel";
import { DB_CLIENT, SQL_CLIENT } from "./db/singletons";
import { processSingleton, singletonKey, takeSingleton } from "./process-singleton";
import { SERVER_READY } from "./server-ready";

const LIFECYCLE = singletonKey<{ started: boolean; draining: boolean }>("lifecycle");

function state() {
  return processSingleton(LIFECYCLE, () => {
    const s = { started: false, draining: false };
    subscribe(SERVER_READY, () => {
      s.started = true;
    });
    return s;
  });
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
  const db = takeSingleton(DB_CLIENT);
  const sql = takeSingleton(SQL_CLIENT);
  await Promise.allSettled([db?.$disconnect(), sql?.close()]);
}
