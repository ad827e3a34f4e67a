/**
 * Throttles that hold across app instances: rate-limiter-flexible counters stored in the app's own database
 * (its better-sqlite3 store on the SQLite default, its PostgreSQL store when DATABASE_URL is PostgreSQL), in
 * one table, "RateLimit" (key = "<rule>:<subject>", points, expire in ms). Every instance on the same
 * database sees the same counts, so an address locked out on one instance is locked out on all of them.
 *
 * The rules and their limits come from lib/env.ts (THROTTLE_*); README's configuration table lists them.
 * A refusal is a TooManyRequestsError (429, `Retry-After`, a message saying what and for how long).
 *
 * Framework-free (the production server's fast routes use it too); the process-wide instance is a process
 * singleton (lib/process-singleton.ts), like lib/db/sql.ts's client.
 */
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  RateLimiterSQLite,
} from "rate-limiter-flexible";
import { type DatabaseTarget, databaseTarget } from "./db/target";
import { type Env, env } from "./env";
import { TooManyRequestsError } from "./http-error";
import { peekSingleton, processSingleton, processSingletonAsync, singletonKey } from "./process-singleton";

export const THROTTLE_TABLE = "RateLimit";

export interface Rule {
  points: number;
  durationS: number;
}

/** What a stored limiter of either database is given: one rule under one key prefix, in the throttle table. */
function limiterOptions(keyPrefix: string, rule: Rule, inMemoryBlock: boolean) {
  return {
    tableName: THROTTLE_TABLE,
    tableCreated: true,
    clearExpiredByTimeout: true,
    keyPrefix,
    points: rule.points,
    duration: rule.durationS,
    ...(inMemoryBlock ? { inMemoryBlockOnConsumed: rule.points + 1 } : {}),
  };
}

/** The throttled actions, each with the env variable holding its rule and a phrase for messages. */
export const RULES = {
  "signin-account": { env: "THROTTLE_SIGNIN_ACCOUNT", what: "failed sign-ins for this account" },
  "signin-address": { env: "THROTTLE_SIGNIN_ADDRESS", what: "failed sign-ins from this address" },
  signup: { env: "THROTTLE_SIGNUP", what: "sign-ups from this address" },
  "infini-gram": { env: "THROTTLE_INFINI_GRAM", what: "infini-gram queries" },
  contamination: { env: "THROTTLE_CONTAMINATION", what: "contamination checks" },
  trace: { env: "THROTTLE_TRACE", what: "traces" },
  "trace-store": { env: "THROTTLE_TRACE_STORE", what: "stored traces" },
  votes: { env: "THROTTLE_VOTES", what: "votes" },
  battles: { env: "THROTTLE_BATTLES", what: "questions" },
} as const satisfies Record<string, { env: keyof Env; what: string }>;

export type RuleName = keyof typeof RULES;

/** The rules with growing lockouts: past the limit, locked for THROTTLE_LOCKOUT, doubling each time. */
const LOCKOUT_RULES = new Set<RuleName>(["signin-account", "signin-address"]);

/** How long SQLite waits (asynchronously) for another connection's write lock before giving up on the store. */
const SQLITE_BUSY_WAIT_MS = 2000;

export interface ThrottleOptions {
  rules: Record<RuleName, Rule>;
  lockoutS: number;
  lockoutMaxS: number;
}

function optionsFromEnv(config: Env = env()): ThrottleOptions {
  const rules = Object.fromEntries(
    Object.entries(RULES).map(([name, r]) => [name, config[r.env] as Rule]),
  ) as Record<RuleName, Rule>;
  return { rules, lockoutS: config.THROTTLE_LOCKOUT, lockoutMaxS: config.THROTTLE_LOCKOUT_MAX };
}

/** "45 s", "3 min", "2 h": a wait, rounded up, for messages. */
export function formatWait(s: number): string {
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.ceil(s / 60)} min`;
  return `${Math.ceil(s / 3600)} h`;
}

function formatWindow(s: number): string {
  if (s % 86400 === 0) return s === 86400 ? "a day" : `${s / 86400} days`;
  if (s % 3600 === 0) return s === 3600 ? "an hour" : `${s / 3600} hours`;
  if (s % 60 === 0) return s === 60 ? "a minute" : `${s / 60} minutes`;
  return `${s} seconds`;
}

function isBusy(e: unknown): boolean {
  return String((e as { code?: unknown } | null)?.code ?? "").startsWith("SQLITE_BUSY");
}

/** Subjects may be emails or API key ids: hashed, so the table holds no addresses and keys stay short. */
function subjectKey(subject: string): string {
  return subject.length <= 64 && /^[\w.:/-]+$/.test(subject) && !subject.includes("@")
    ? subject
    : createHash("sha256").update(subject).digest("base64url").slice(0, 32);
}

export class Throttle {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly fallbacks = new Map<string, RateLimiterMemory>();
  private warned = false;

  private constructor(
    private readonly options: ThrottleOptions,
    private readonly make: (keyPrefix: string, rule: Rule, inMemoryBlock: boolean) => RateLimiterAbstract,
    private readonly closeStore: () => Promise<void>,
  ) {}

  /** A throttle on the database `target` (the table is created if missing). */
  static async open(target: DatabaseTarget, options: ThrottleOptions = optionsFromEnv()): Promise<Throttle> {
    if (target.provider === "sqlite") {
      // Its own connection, without a driver busy timeout: that would wait synchronously and freeze this
      // thread; a busy store is retried asynchronously below (run()).
      const conn = new Database(target.file, { timeout: 0 });
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        try {
          conn.exec(
            `CREATE TABLE IF NOT EXISTS "${THROTTLE_TABLE}" (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER)`,
          );
          break;
        } catch (e) {
          if (!isBusy(e) || pause >= 50) throw e;
          await new Promise((r) => setTimeout(r, pause));
        }
      }
      return new Throttle(
        options,
        (keyPrefix, rule, inMemoryBlock) =>
          new RateLimiterSQLite({
            storeClient: conn,
            storeType: "better-sqlite3",
            ...limiterOptions(keyPrefix, rule, inMemoryBlock),
          }),
        async () => {
          conn.close();
        },
      );
    }
    const pool = new pg.Pool({ connectionString: target.url, max: 4 });
    // An idle client's error (a database restart) must not crash the process; the pool replaces it.
    pool.on("error", (e) => console.error("throttle store:", e.message));
    await pool.query(
      `CREATE TABLE IF NOT EXISTS "${THROTTLE_TABLE}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
    );
    return new Throttle(
      options,
      (keyPrefix, rule, inMemoryBlock) =>
        new RateLimiterPostgres({
          storeClient: pool,
          ...limiterOptions(keyPrefix, rule, inMemoryBlock),
        }),
      () => pool.end(),
    );
  }

  close(): Promise<void> {
    return this.closeStore();
  }

  rule(name: RuleName): Rule {
    return this.options.rules[name];
  }

  private limiter(prefix: string, rule: Rule, inMemoryBlock: boolean): RateLimiterAbstract {
    let l = this.limiters.get(prefix);
    if (!l) {
      l = this.make(prefix, rule, inMemoryBlock);
      this.limiters.set(prefix, l);
    }
    return l;
  }

  /**
   * Runs a store operation: a busy SQLite store is retried asynchronously; a store that is down (database
   * unreachable) falls back to a per-instance memory counter with the same rule rather than refusing
   * everyone or letting everything through.
   */
  private async run(
    prefix: string,
    rule: Rule,
    op: (l: RateLimiterAbstract) => Promise<RateLimiterRes>,
    inMemoryBlock = false,
  ): Promise<RateLimiterRes> {
    const deadline = Date.now() + SQLITE_BUSY_WAIT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        return await op(this.limiter(prefix, rule, inMemoryBlock));
      } catch (e) {
        if (e instanceof RateLimiterRes) throw e;
        if (isBusy(e) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, pause));
          continue;
        }
        if (!this.warned) {
          this.warned = true;
          console.error(
            `throttle store failed, counting in memory until it answers: ${(e as Error).message}`,
          );
        }
        let f = this.fallbacks.get(prefix);
        if (!f) {
          f = new RateLimiterMemory({ keyPrefix: prefix, points: rule.points, duration: rule.durationS });
          this.fallbacks.set(prefix, f);
        }
        return op(f);
      }
    }
  }

  /**
   * Counts one `name` action by `subject` (an address, an API key id, a user id); throws TooManyRequestsError
   * past the rule. For sign-in rules the first refusal starts a lockout of THROTTLE_LOCKOUT, doubled for each
   * earlier lockout of the same subject within a day, up to THROTTLE_LOCKOUT_MAX.
   */
  async consume(name: RuleName, subject: string, points = 1): Promise<void> {
    const rule = this.options.rules[name];
    const key = subjectKey(subject);
    const lockouts = LOCKOUT_RULES.has(name);
    try {
      await this.run(name, rule, (l) => l.consume(key, points), !lockouts);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      let waitS = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      // Exactly one request crosses the limit (the store's upsert is atomic): it sets the lockout.
      if (lockouts && e.consumedPoints === rule.points + points) {
        const count = await this.run(`${name}-lockouts`, { points: 1_000_000, durationS: 86400 }, (l) =>
          l.consume(key),
        );
        waitS = Math.min(
          this.options.lockoutS * 2 ** Math.min(count.consumedPoints - 1, 30),
          this.options.lockoutMaxS,
        );
        await this.run(name, rule, async (l) => {
          await l.block(key, waitS);
          return new RateLimiterRes();
        });
      }
      throw new TooManyRequestsError(waitS, this.message(name, rule, waitS, lockouts));
    }
  }

  /**
   * A refusal this instance already knows without asking the database: `subject` was refused `name` here and
   * the window has not ended (rate-limiter-flexible's in-memory block, kept for the rules without lockouts).
   * Null when nothing is known (the database decides, through consume).
   */
  knownRefusal(name: RuleName, subject: string): TooManyRequestsError | null {
    const limiter = this.limiters.get(name) as
      | (RateLimiterAbstract & { getInMemoryBlockMsBeforeExpire?: (rlKey: string) => number })
      | undefined;
    const ms = limiter?.getInMemoryBlockMsBeforeExpire?.(limiter.getKey(subjectKey(subject))) ?? 0;
    if (ms <= 0) return null;
    const waitS = Math.max(1, Math.ceil(ms / 1000));
    return new TooManyRequestsError(waitS, this.message(name, this.options.rules[name], waitS, false));
  }

  /** Gives back `points` of `name` for `subject` (a sign-in that succeeded counts as no failure). */
  async refund(name: RuleName, subject: string, points = 1): Promise<void> {
    const rule = this.options.rules[name];
    await this.run(name, rule, (l) => l.reward(subjectKey(subject), points));
  }

  /** Forgets `name`'s count for `subject` (an account's failed sign-ins, after it signs in). */
  async reset(name: RuleName, subject: string): Promise<void> {
    const rule = this.options.rules[name];
    await this.run(name, rule, async (l) => {
      await l.delete(subjectKey(subject));
      return new RateLimiterRes();
    });
  }

  private message(name: RuleName, rule: Rule, waitS: number, lockout: boolean): string {
    const what = RULES[name].what;
    const limit = `at most ${rule.points} ${what} in ${formatWindow(rule.durationS)}`;
    return lockout
      ? `Too many ${what} (${limit}). Locked for ${formatWait(waitS)}; try again after that.`
      : `Too many ${what}: ${limit}. Try again in ${formatWait(waitS)}.`;
  }
}

const THROTTLE = singletonKey<Promise<Throttle>>("throttle");
/** The same throttle once it is open, for synchronous callers. */
const OPEN_THROTTLE = singletonKey<Throttle>("throttle-open");

/** The process-wide throttle on DATABASE_URL's database (shared by the Next.js bundles and the fast routes). */
export function throttle(): Promise<Throttle> {
  return processSingletonAsync(THROTTLE, async () => {
    const t = await Throttle.open(databaseTarget(process.env.DATABASE_URL));
    processSingleton(OPEN_THROTTLE, () => t);
    return t;
  });
}

/** The process-wide throttle if it is open already (synchronous callers: the production server's early refusals). */
export function openThrottle(): Throttle | undefined {
  return peekSingleton(OPEN_THROTTLE);
}

/** Counts one `name` action by `subject` on the process-wide throttle (see Throttle.consume). */
export async function consume(name: RuleName, subject: string, points = 1): Promise<void> {
  await (await throttle()).consume(name, subject, points);
}
