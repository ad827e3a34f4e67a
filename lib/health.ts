import "server-only";
import { db } from "./db/client";
import { databaseTarget } from "./db/target";
import { indexHealth } from "./engine/fm";
import type { ComponentStatus } from "./health-types";
import { modelHealth } from "./models/flexolmo";

export type { ComponentStatus };
export type Health = {
  status: "ok" | "degraded" | "down";
  database: ComponentStatus;
  index: ComponentStatus;
  model: ComponentStatus;
  time: string;
};

async function databaseStatus(): Promise<ComponentStatus> {
  const provider = databaseTarget(process.env.DATABASE_URL).provider;
  const started = performance.now();
  try {
    await db().user.count();
    return { status: "ok", provider, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (e) {
    return { status: "error", provider, detail: (e as Error).message.split("\n")[0] };
  }
}

/** Status probes of the engine parts, registered by the modules that load them. */
const probes: { index?: () => Promise<ComponentStatus>; model?: () => Promise<ComponentStatus> } = {};
export function registerHealthProbe(part: "index" | "model", probe: () => Promise<ComponentStatus>) {
  probes[part] = probe;
}

export async function health(): Promise<Health> {
  const [database, index, model] = await Promise.all([
    databaseStatus(),
    probes.index?.() ?? indexHealth(),
    probes.model?.() ?? modelHealth(),
  ]);
  const parts = [database, index, model];
  const status =
    database.status !== "ok" ? "down" : parts.every((p) => p.status === "ok") ? "ok" : "degraded";
  return { status, database, index, model, time: new Date().toISOString() };
}
