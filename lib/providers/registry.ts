/**
 * Provider rows in the database -> answer providers; admin registration; seeding of the built-in models.
 * Takes the database and the key explicitly (no env access), so it is testable; lib/arena/battle-request.ts and
 * lib/judges/bindings.ts bind them for the app.
 */
import { z } from "zod";
import type { FlexOlmo } from "../../engine/moe";
import type { Db } from "../db/create";
import { log } from "../log";
import type { SecretKey } from "../secrets";
import { extractiveProvider } from "./extractive";
import { flexOlmoProvider, seededConfigurations } from "./flexolmo";
import { openAiProvider, type RetryPolicy } from "./openai-client";
import { openSecret, sealSecret } from "./secret-box";
import { type AnswerProvider, ProviderError } from "./types";

export const EXTRACTIVE_BASELINE = "extractive-baseline";
/** FlexOlmo configuration kinds seeded as contenders: every expert, public only, and each opt-out. */
const SEEDED_KINDS = new Set(["all", "public", "without"]);

export interface ProviderRow {
  id: string;
  name: string;
  kind: string;
  baseUrl: string | null;
  modelName: string | null;
  apiKeyCipher: string | null;
  timeoutMs: number;
  /** Requests in flight at most (OpenAI-compatible models). */
  maxConcurrent?: number;
  enabled: boolean;
  weight: number;
  config: string | null;
  /** Replies start inside the reasoning (only `</think>` appears); learned or set by an admin. */
  reasoningStartsInside?: boolean;
}

/**
 * Stores whether a model's replies start inside the reasoning, so every instance reads its next replies right
 * from the first token (also after a restart). A failure to store is logged, not thrown: the reply is fine.
 */
async function rememberReasoningStart(db: Db, id: string, startsInside: boolean): Promise<void> {
  try {
    await db.modelProvider.update({ where: { id }, data: { reasoningStartsInside: startsInside } });
  } catch (e) {
    log("providers").warn({ id, err: (e as Error).message }, "could not store the model's reasoning habit");
  }
}

/** Builds the answer provider of a row. `label` names the side in messages ("Model A"). */
export function providerFor(
  row: ProviderRow,
  opts: {
    key: SecretKey[];
    loadModel: () => Promise<FlexOlmo>;
    label: string;
    fetch?: typeof fetch;
    retry?: RetryPolicy;
    /** Where a model's learned habits are kept (its row): given, a reply's habit is remembered there. */
    db?: Db;
  },
): AnswerProvider {
  if (row.kind === "extractive") return extractiveProvider();
  if (row.kind === "openai") {
    if (!row.baseUrl || !row.modelName)
      throw new ProviderError(`${opts.label} is misconfigured (no base URL or model name).`, "unavailable");
    return openAiProvider({
      baseUrl: row.baseUrl,
      modelName: row.modelName,
      apiKey: row.apiKeyCipher ? openSecret(row.apiKeyCipher, opts.key) : null,
      timeoutMs: row.timeoutMs,
      label: opts.label,
      concurrency: { key: row.id, limit: row.maxConcurrent ?? 4 },
      fetch: opts.fetch,
      retry: opts.retry,
      reasoningStartsInside: row.reasoningStartsInside,
      onReasoningStartLearned: opts.db
        ? (startsInside) => void rememberReasoningStart(opts.db!, row.id, startsInside)
        : undefined,
    });
  }
  if (row.kind === "local") {
    const config = JSON.parse(row.config ?? "{}") as { experts?: string[] };
    return flexOlmoProvider({
      loadModel: opts.loadModel,
      experts: config.experts ?? [],
      timeoutMs: row.timeoutMs,
      label: opts.label,
    });
  }
  throw new ProviderError(`${opts.label} has an unknown kind "${row.kind}".`, "unavailable");
}

/**
 * Creates the built-in providers that are missing (the extractive baseline, and the FlexOlmo configurations
 * of the installed model); existing rows keep their admin-set state. Idempotent and safe to run concurrently
 * (the unique name makes a second create fail, which is ignored).
 */
export async function seedDefaultProviders(db: Db, modelDir: string): Promise<number> {
  const wanted: { name: string; kind: string; config?: string; timeoutMs: number }[] = [
    { name: EXTRACTIVE_BASELINE, kind: "extractive", timeoutMs: 10_000 },
    ...seededConfigurations(modelDir, SEEDED_KINDS).map((c) => ({
      name: c.id,
      kind: "local",
      config: JSON.stringify({ experts: c.experts }),
      timeoutMs: 60_000,
    })),
  ];
  const have = new Set((await db.modelProvider.findMany({ select: { name: true } })).map((r) => r.name));
  let created = 0;
  for (const w of wanted) {
    if (have.has(w.name)) continue;
    try {
      await db.modelProvider.create({ data: { ...w, builtin: true } });
      created++;
    } catch (e) {
      if ((e as { code?: string }).code !== "P2002") throw e;
    }
  }
  return created;
}

const httpUrl = z
  .url({ message: "Enter a URL such as https://api.example.org/v1" })
  .refine((u) => /^https?:\/\//i.test(u), "The base URL must start with http:// or https://")
  .transform((u) => u.replace(/\/+$/, "").replace(/\/chat\/completions$/, ""));

export const newProviderSchema = z.object({
  name: z
    .string()
    .trim()
    .min(2, "Give the model a name of 2 to 60 characters")
    .max(60, "Give the model a name of 2 to 60 characters")
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, "Use letters, digits and . _ : / - (no spaces)"),
  baseUrl: httpUrl,
  modelName: z.string().trim().min(1, "Enter the model name the endpoint expects").max(200),
  apiKey: z.string().trim().max(4000).optional().default(""),
  timeoutSeconds: z.coerce
    .number({ message: "Enter a number of seconds" })
    .int("Enter a whole number of seconds")
    .min(1, "At least 1 second")
    .max(600, "At most 600 seconds"),
  maxConcurrent: z.coerce
    .number({ message: "Enter a number of requests" })
    .int("Enter a whole number of requests")
    .min(1, "At least 1 request at a time")
    .max(256, "At most 256 requests at a time")
    .default(4),
  weight: z.coerce
    .number({ message: "Enter a number" })
    .gt(0, "The weight must be above 0")
    .max(1000, "The weight is at most 1000"),
  /** A checkbox: the model's chat template opens `<think>` in the prompt (replies start inside the reasoning). */
  reasoningStartsInside: z
    .enum(["on"])
    .optional()
    .transform((v) => v === "on"),
});
export type NewProvider = z.infer<typeof newProviderSchema>;

export class ProviderNameTakenError extends Error {
  readonly status = 409;
  constructor(name: string) {
    super(`A model named "${name}" already exists.`);
  }
}

/** Registers an OpenAI-compatible endpoint; the API key is stored sealed (AES-256-GCM). */
/** `keys[0]` (the current provider key) seals the API key. */
export async function registerOpenAiProvider(
  db: Db,
  input: Omit<NewProvider, "maxConcurrent" | "reasoningStartsInside"> & {
    maxConcurrent?: number;
    reasoningStartsInside?: boolean;
  },
  keys: SecretKey[],
) {
  const key = keys[0];
  try {
    return await db.modelProvider.create({
      data: {
        name: input.name,
        kind: "openai",
        baseUrl: input.baseUrl,
        modelName: input.modelName,
        apiKeyCipher: input.apiKey ? sealSecret(input.apiKey, key) : null,
        timeoutMs: input.timeoutSeconds * 1000,
        maxConcurrent: input.maxConcurrent ?? 4,
        weight: input.weight,
        enabled: true,
        reasoningStartsInside: input.reasoningStartsInside === true,
      },
      select: { id: true, name: true },
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new ProviderNameTakenError(input.name);
    throw e;
  }
}
