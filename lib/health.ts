import "server-only";
import { sql } from "./db/client";
import { databaseTarget } from "./db/target";
import { indexHealth } from "./engine/fm";
import type { ComponentStatus } from "./health-types";
import { isDraining, isStarted } from "./lifecycle";
import { modelHealth } from "./models/flexolmo";

export type { ComponentStatus };
export type Health = {
  status: "ok" | "degraded" | "down";
  database: ComponentStatus;
  index: ComponentStatus;
  model: ComponentStatus;
  time: string;
};

/** How long a readiness or health probe waits for the database. */
const DB_PROBE_MS = 2000;

/** `SELECT 1` on the plain-SQL client (no table is read), within DB_PROBE_MS. */
async function databaseStatus(): Promise<ComponentStatus> {
  const provider = databaseTarget(process.env.DATABASE_URL).provider;
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      sql().all(`SELECT 1 AS "one"`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DB_PROBE_MS} ms`)), DB_PROBE_MS);
      }),
    ]);
    return { status: "ok", provider, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (e) {
    return { status: "error", provider, detail: (e as Error).message.split("\n")[0] };
  } finally {
    clearTimeout(timer);
  }
}

/** Status probes of the engine parts, registered by the modules that load them. */
const probes: { index?: () => Promise<ComponentStatus>; model?: () => Promise<ComponentStatus> } = {};
export function registerHealthProbe(part: "index" | "model", probe: () => Promise<ComponentStatus>) {
  probes[part] = probe;
}

/** A component's status without its details (file paths, error text): what anonymous callers see. */
function publicPart(c: ComponentStatus): ComponentStatus {
  return { status: c.status };
}

/**
 * The app's parts and their status. `details` (admins only) adds what each part knows: file paths, error
 * text, latencies; anyone else sees only the statuses.
 */
export async function health(opts: { details?: boolean } = {}): Promise<Health> {
  const [database, index, model] = await Promise.all([
    databaseStatus(),
    probes.index?.() ?? indexHealth(),
    probes.model?.() ?? modelHealth(),
  ]);
  const parts = [database, index, model];
  const status =
    database.status !== "ok" ? "down" : parts.every((p) => p.status === "ok") ? "ok" : "degraded";
  const show = opts.details ? (c: ComponentStatus) => c : publicPart;
  return {
    status,
    database: show(database),
    index: show(index),
    model: show(model),
    time: new Date().toISOString(),
  };
}

export interface Readiness {
  ready: boolean;
  /** Start-up done, not shutting down, database answering. */
  checks: { started: boolean; draining: boolean; database: ComponentStatus };
}

/**
 * Whether this instance should get traffic: start-up finished, not draining for shutdown, and the database
 * answers. The index and the model are not required (the app serves what does not need them).
 */
export async function readiness(opts: { details?: boolean } = {}): Promise<Readiness> {
  const database = await databaseStatus();
  const checks = {
    started: isStarted(),
    draining: isDraining(),
    database: opts.details ? database : publicPart(database),
  };
  return { ready: checks.started && !checks.draining && database.status === "ok", checks };
}
