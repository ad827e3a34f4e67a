import { z } from "zod";
import {
  EXPERT_NAME,
  type ExpertManifest,
  type ExpertPackageError,
  type FlexOlmoManifest,
  removeExpert,
  verifyModelFiles,
} from "@/engine/moe";
import type { Db } from "../db/create";
import { HttpError } from "../http-error";
import { listConfigurations, MODEL_PREFIX } from "./configurations";

/**
 * Admin rules for installed experts (the /admin/experts page): who may see what, removal with
 * confirmation, and the arena configurations of an expert. Installing is the CLI's job
 * (`npm run -s moe -- expert install PKG --model DIR`); the running app picks up either change on its
 * next request (lib/models/reloading-model.ts).
 */

/** An installed expert as the admin page lists it (no router numbers). */
export interface InstalledExpert {
  id: string;
  description: string;
  alwaysOn: boolean;
  /** Trained by `npm run train` with the model, or contributed through a package. */
  origin: "model" | "package";
  documents: number;
  heldoutDocuments: number;
  trainingSteps: number;
  heldout: ExpertManifest["heldout"];
  contribution?: ExpertManifest["contribution"];
  file: string;
  bytes: number;
  sha256: string;
  /** Arena contenders (model-provider rows) that use this expert, with their state. */
  arena: { name: string; enabled: boolean }[];
}

export interface ArenaRow {
  name: string;
  kind: string;
  enabled: boolean;
  config: string | null;
}

/** Expert ids a local provider row enables (its config's `experts`); [] for other kinds or bad JSON. */
export function rowExperts(row: ArenaRow): string[] {
  if (row.kind !== "local" || !row.config) return [];
  try {
    const c = JSON.parse(row.config) as { experts?: unknown };
    return Array.isArray(c.experts) ? c.experts.filter((e): e is string => typeof e === "string") : [];
  } catch {
    return [];
  }
}

/** The arena names of an expert's own configurations: public + it, and every expert but it. */
export function expertArenaNames(id: string): string[] {
  return [`${MODEL_PREFIX}-${id}`, `${MODEL_PREFIX}-no-${id}`];
}

/** Rows that involve `id`: those that enable it, and its own opt-out configuration. */
export function rowsOfExpert(rows: ArenaRow[], id: string): ArenaRow[] {
  const own = new Set(expertArenaNames(id));
  return rows.filter((r) => r.kind === "local" && (own.has(r.name) || rowExperts(r).includes(id)));
}

export function installedExperts(manifest: FlexOlmoManifest, rows: ArenaRow[]): InstalledExpert[] {
  return manifest.experts.map((e, i) => ({
    id: e.id,
    description: e.description,
    alwaysOn: i === 0,
    origin: e.contribution ? "package" : "model",
    documents: e.documents,
    heldoutDocuments: e.heldoutDocuments,
    trainingSteps: e.trainingSteps,
    heldout: e.heldout,
    contribution: e.contribution,
    file: e.file,
    bytes: manifest.files[e.file]?.bytes ?? 0,
    sha256: manifest.files[e.file]?.sha256 ?? "",
    arena: expertArenaNames(e.id).flatMap((name) => {
      const r = rows.find((x) => x.kind === "local" && x.name === name);
      return r ? [{ name, enabled: r.enabled }] : [];
    }),
  }));
}

const expertName = z
  .string()
  .trim()
  .regex(EXPERT_NAME, "Not an expert name")
  .refine((n) => n !== "public", "The public expert cannot be removed");

/** Removal needs the name typed again: a stray click or replayed request cannot remove an expert. */
export const removeExpertSchema = z
  .object({ name: expertName, confirm: z.string().trim() })
  .refine((v) => v.confirm === v.name, {
    message: "Type the expert's name exactly to confirm its removal",
    path: ["confirm"],
  });

export const expertArenaSchema = z.object({ name: expertName, enabled: z.enum(["true", "false"]) });

/** Engine refusals as HTTP errors (404 for an unknown expert, 409 for a busy folder, 400 otherwise). */
function toHttp(e: unknown): unknown {
  if (!(e instanceof Error) || e.name !== "ExpertPackageError") return e;
  const code = (e as ExpertPackageError).code;
  const status = code === "NOT_INSTALLED" ? 404 : code === "BUSY" ? 409 : 400;
  return new HttpError(status, e.message, { code });
}

/**
 * Removes an installed expert from the model folder, then keeps the arena consistent: the expert's
 * own contenders (public + it, all but it) are disabled, and every other contender that listed it
 * drops it from its expert list (flexolmo-all stays "every installed expert"). A battle never draws
 * a configuration naming an expert that is gone.
 */
export async function removeInstalledExpert(
  db: Db,
  modelDir: string,
  id: string,
): Promise<{ disabled: string[]; updated: string[] }> {
  try {
    removeExpert(id, modelDir);
  } catch (e) {
    throw toHttp(e);
  }
  const own = new Set(expertArenaNames(id));
  const rows = rowsOfExpert(await db.modelProvider.findMany({ where: { kind: "local" } }), id);
  const disabled = rows.filter((r) => own.has(r.name) && r.enabled).map((r) => r.name);
  if (disabled.length > 0)
    await db.modelProvider.updateMany({ where: { name: { in: disabled } }, data: { enabled: false } });
  const updated: string[] = [];
  for (const r of rows) {
    if (own.has(r.name)) continue;
    const experts = rowExperts(r).filter((e) => e !== id);
    await db.modelProvider.update({ where: { name: r.name }, data: { config: JSON.stringify({ experts }) } });
    updated.push(r.name);
  }
  return { disabled, updated };
}

/**
 * Offers an installed expert in the arena (or withdraws it): its two configurations, public + it and
 * every expert but it, as local contenders in the model registry, created when missing, their expert
 * lists refreshed from the current model. Returns the contenders' names.
 */
export async function setExpertInArena(
  db: Db,
  modelDir: string,
  id: string,
  enabled: boolean,
): Promise<string[]> {
  const manifest = verifyModelFiles(modelDir);
  const experts = manifest.experts.map((e, i) => ({ id: e.id, alwaysOn: i === 0 }));
  if (!experts.some((e) => e.id === id && !e.alwaysOn))
    throw new HttpError(404, `No closed expert named "${id}" is installed.`, { code: "NOT_INSTALLED" });
  const names = expertArenaNames(id);
  const configs = listConfigurations(experts).filter((c) => names.includes(c.id));
  for (const c of configs) {
    const config = JSON.stringify({ experts: c.experts });
    await db.modelProvider.upsert({
      where: { name: c.id },
      create: { name: c.id, kind: "local", config, enabled, builtin: true, timeoutMs: 60_000 },
      update: { config, enabled },
    });
  }
  return configs.map((c) => c.id);
}
