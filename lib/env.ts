/**
 * The app's configuration, read from the environment once and validated with zod. A wrong value
 * stops the app at start-up with a message naming the variable. With nothing set, the app runs on
 * its embedded defaults: SQLite under data/, a generated auth secret, the bundled corpus and model.
 */
import path from "node:path";
import { z } from "zod";
import { databaseTarget, dataDir as resolveDataDir } from "./db/target";
import { LIVE_DEFAULT_URL, type LiveSource } from "./retrieval/live";

const emailList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.email({ message: "must be a comma-separated list of email addresses" })));

const optionalNonEmpty = z.string().trim().min(1).optional();

const UNIT_S = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** A duration such as "90s", "15m", "1h", "1d" -> seconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+\s*[smhd]$/, 'must be a duration such as "30s", "15m", "1h" or "1d"')
  .transform((v) => Number.parseInt(v, 10) * UNIT_S[v.at(-1) as keyof typeof UNIT_S])
  .pipe(
    z
      .number()
      .int()
      .min(1, "must be at least 1s")
      .max(30 * 86400, "must be at most 30d"),
  );

/** A throttle rule "N/duration": at most N in any such window, e.g. "5/15m". */
const rule = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .pipe(
      z
        .string()
        .regex(/^\d+\s*\/\s*\d+\s*[smhd]$/, 'must be "N/duration", e.g. "5/15m" or "120/1m"')
        .transform((v) => {
          const [n, d] = v.split("/");
          return { points: Number.parseInt(n, 10), durationS: duration.parse(d) };
        })
        .pipe(z.object({ points: z.number().int().min(1, "N must be at least 1"), durationS: z.number() })),
    );

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATA_DIR: optionalNonEmpty,
    DATABASE_URL: z
      .string()
      .optional()
      .superRefine((v, ctx) => {
        try {
          databaseTarget(v);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message });
        }
      }),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** The secret before the last rotation: read-only (old sessions, provider keys not yet re-sealed). */
    NEXTAUTH_SECRET_PREVIOUS: z.string().min(32, "must be at least 32 characters").optional(),
    NEXTAUTH_URL: z.url().optional(),
    ADMIN_EMAILS: emailList.default([]),
    GITHUB_ID: optionalNonEmpty,
    GITHUB_SECRET: optionalNonEmpty,
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: optionalNonEmpty,
    OIDC_CLIENT_SECRET: optionalNonEmpty,
    OIDC_NAME: z.string().trim().min(1).max(40).default("Single sign-on"),
    INDEX_DIR: optionalNonEmpty,
    MODEL_DIR: optionalNonEmpty,
    ENGINE_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    /** Added to the worker threads' nice value (engine/thread-priority.ts reads it in each worker). */
    WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
    ENGINE_URLS: z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((u) => u.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.url({ protocol: /^https?$/, message: "must be a comma-separated list of http(s) URLs" }))
          .min(1),
      )
      .optional(),
    ENGINE_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
    /** The shard servers' shared token (`engine serve` reads the same variable). */
    ENGINE_TOKEN: z
      .string()
      .trim()
      .min(16, "must be at least 16 characters")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /** Proxies of yours in front of the app whose X-Forwarded-For entries are trusted (lib/client-address.ts). */
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    // Throttles (lib/throttle.ts), stored in the app's database so they hold across instances.
    THROTTLE_SIGNIN_ACCOUNT: rule("5/15m"),
    THROTTLE_SIGNIN_ADDRESS: rule("20/15m"),
    THROTTLE_LOCKOUT: duration.default(60),
    THROTTLE_LOCKOUT_MAX: duration.default(3600),
    THROTTLE_SIGNUP: rule("10/1h"),
    THROTTLE_INFINI_GRAM: rule("120/1m"),
    THROTTLE_CONTAMINATION: rule("20/1m"),
    THROTTLE_TRACE: rule("60/1m"),
    THROTTLE_TRACE_STORE: rule("500/1d"),
    THROTTLE_VOTES: rule("60/1m"),
    THROTTLE_BATTLES: rule("20/1m"),
    /** Battles a model needs before the leaderboard ranks it; below, it is listed as preliminary. */
    RANKING_MIN_BATTLES: z.coerce.number().int().min(0).max(1_000_000).default(20),
    /** A model whose rating is fixed at 1000 (default: the mean of the ranked models is 1000). */
    RANKING_ANCHOR_MODEL: optionalNonEmpty,
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Days a trace run signed out (no owner) is kept before the sweep deletes it. */
    TRACE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Milliseconds SIGTERM waits for in-flight requests, streams and short jobs before closing. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
    LITERATURE_LIVE: z
      .enum(["openalex", "semantic-scholar"], { message: 'must be "openalex" or "semantic-scholar"' })
      .optional(),
    LITERATURE_LIVE_URL: z.url().optional(),
    LITERATURE_LIVE_KEY: optionalNonEmpty,
    LITERATURE_LIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  })
  .superRefine((env, ctx) => {
    let postgres = false;
    try {
      postgres = databaseTarget(env.DATABASE_URL).provider === "postgresql";
    } catch {
      // DATABASE_URL's own check reports it.
    }
    if (postgres && !env.NEXTAUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_SECRET"],
        message:
          "is required when DATABASE_URL is PostgreSQL: every instance must sign sessions and seal provider keys with the same secret (generate one with `openssl rand -base64 48`)",
      });
    }
    if (env.NEXTAUTH_SECRET_PREVIOUS && !env.NEXTAUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_SECRET_PREVIOUS"],
        message: "needs NEXTAUTH_SECRET (the current secret) too",
      });
    }
    if (Boolean(env.GITHUB_ID) !== Boolean(env.GITHUB_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: [env.GITHUB_ID ? "GITHUB_SECRET" : "GITHUB_ID"],
        message: "GITHUB_ID and GITHUB_SECRET must be set together",
      });
    }
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      const missing = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).find((k) => !env[k]);
      ctx.addIssue({
        code: "custom",
        path: [missing ?? "OIDC_ISSUER"],
        message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together",
      });
    }
  });

export type Env = z.infer<typeof envSchema> & {
  dataDir: string;
  indexDir: string;
  modelDir: string;
  /** The live literature source, when LITERATURE_LIVE names one. */
  liveLiterature?: LiveSource;
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Validates an environment (process.env by default). Throws EnvError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "unset" (a common result of `FOO= npm start` or blank lines in .env files).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  }
  const dataDir = resolveDataDir(result.data.DATA_DIR);
  return {
    ...result.data,
    dataDir,
    indexDir: path.resolve(result.data.INDEX_DIR ?? path.join(dataDir, "index", "flexmix-mini")),
    modelDir: path.resolve(result.data.MODEL_DIR ?? path.join(process.cwd(), "models", "flexolmo-mini")),
    liveLiterature: result.data.LITERATURE_LIVE
      ? {
          kind: result.data.LITERATURE_LIVE,
          baseUrl: result.data.LITERATURE_LIVE_URL ?? LIVE_DEFAULT_URL[result.data.LITERATURE_LIVE],
          apiKey: result.data.LITERATURE_LIVE_KEY,
          timeoutMs: result.data.LITERATURE_LIVE_TIMEOUT_MS,
        }
      : undefined,
  };
}

/** Start-up's check: `parseEnv()`, or on a bad configuration its message on stderr and exit code 1. */
export function parseEnvOrExit(): Env {
  try {
    return parseEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

let cached: Env | undefined;

/** The validated configuration of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
