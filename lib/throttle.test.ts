/**
 * Throttles on the app's database, on SQLite always and on PostgreSQL when TEST_POSTGRES_URL is set: limits,
 * 429s with a wait and a message, growing lockouts, refunds, and counts shared by two instances (two Throttle
 * objects on one database, as two app processes would have).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { type DatabaseTarget, databaseTarget } from "./db/target";
import { TooManyRequestsError } from "./http-error";
import { RULES, type Rule, type RuleName, Throttle, type ThrottleOptions } from "./throttle";

function options(
  overrides: Partial<Record<RuleName, Rule>> = {},
  lockoutS = 1,
  lockoutMaxS = 3,
): ThrottleOptions {
  const rules = Object.fromEntries(
    Object.keys(RULES).map((n) => [n, { points: 100, durationS: 60 }]),
  ) as Record<RuleName, Rule>;
  return { rules: { ...rules, ...overrides }, lockoutS, lockoutMaxS };
}

async function refused(p: Promise<unknown>): Promise<TooManyRequestsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TooManyRequestsError, `expected a 429, got ${e}`);
    assert.equal(e.status, 429);
    return e;
  }
  assert.fail("expected a 429");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function suite(name: string, target: () => Promise<DatabaseTarget>) {
  describe(name, () => {
    const opened: Throttle[] = [];
    const open = async (o: ThrottleOptions) => {
      const t = await Throttle.open(await target(), o);
      opened.push(t);
      return t;
    };
    after(async () => {
      for (const t of opened) await t.close();
    });

    test("N requests pass, the next is a 429 with the wait and the limit in its message", async () => {
      const t = await open(options({ "infini-gram": { points: 3, durationS: 60 } }));
      for (let i = 0; i < 3; i++) await t.consume("infini-gram", "198.51.100.1");
      const e = await refused(t.consume("infini-gram", "198.51.100.1"));
      assert.ok(e.retryAfterS >= 59 && e.retryAfterS <= 60, `retry after ${e.retryAfterS}`);
      assert.equal(
        e.message,
        "Too many infini-gram queries: at most 3 infini-gram queries in a minute. Try again in 60 s.",
      );
      // Another address has its own count.
      await t.consume("infini-gram", "198.51.100.2");
    });

    test("two instances on one database share counts: what one refuses the other refuses", async () => {
      const o = options({ votes: { points: 4, durationS: 60 } });
      const a = await open(o);
      const b = await open(o);
      await a.consume("votes", "user-1");
      await b.consume("votes", "user-1");
      await a.consume("votes", "user-1");
      await b.consume("votes", "user-1");
      await refused(a.consume("votes", "user-1"));
      await refused(b.consume("votes", "user-1"));
    });

    test("sign-in lockouts grow: 1 s, then 2 s, then capped at 3 s, and hold on the other instance", async () => {
      const o = options({ "signin-account": { points: 3, durationS: 900 } }, 1, 3);
      const a = await open(o);
      const b = await open(o);
      const email = `lock-${name}-${Date.now()}@example.org`;
      for (let round = 0, expected = [1, 2, 3]; round < 3; round++) {
        for (let i = 0; i < 3; i++) await (i % 2 ? a : b).consume("signin-account", email);
        const first = await refused(a.consume("signin-account", email));
        assert.equal(first.retryAfterS, expected[round], `lockout ${round + 1}`);
        assert.match(
          first.message,
          /^Too many failed sign-ins for this account \(at most 3 .* in 15 minutes\)\. Locked for \d s/,
        );
        // Locked on the other instance too, even for the right password (the caller consumes before checking).
        const other = await refused(b.consume("signin-account", email));
        assert.ok(other.retryAfterS <= expected[round]);
        await sleep(expected[round] * 1000 + 150);
      }
    });

    test("a refund gives a point back; a reset forgets the count", async () => {
      const t = await open(options({ "signin-address": { points: 2, durationS: 900 } }));
      await t.consume("signin-address", "203.0.113.5");
      await t.consume("signin-address", "203.0.113.5");
      await t.refund("signin-address", "203.0.113.5");
      await t.consume("signin-address", "203.0.113.5");
      await t.reset("signin-address", "203.0.113.5");
      await t.consume("signin-address", "203.0.113.5");
      await t.consume("signin-address", "203.0.113.5");
      await refused(t.consume("signin-address", "203.0.113.5"));
    });

    test("emails are stored hashed, never as written", async () => {
      const t = await open(options());
      await t.consume("signup", "someone@example.org");
      const tgt = await target();
      const keys =
        tgt.provider === "sqlite"
          ? new Database(tgt.file, { readonly: true }).prepare('SELECT key FROM "RateLimit"').all()
          : (await pgQuery(tgt.url, 'SELECT key FROM "RateLimit"')).rows;
      assert.ok(keys.length > 0);
      assert.ok(!JSON.stringify(keys).includes("example.org"));
    });
  });
}

async function pgQuery(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

const dir = mkdtempSync(path.join(tmpdir(), "throttle-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const sqliteTarget = databaseTarget(`file:${path.join(dir, "app.db")}`);
suite("SQLite", async () => sqliteTarget);

test("SQLite: a store whose write lock another connection holds is waited for without freezing the thread", async () => {
  const t = await Throttle.open(sqliteTarget, options());
  const other = new Database((sqliteTarget as { file: string }).file);
  try {
    other.exec("BEGIN IMMEDIATE");
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    setTimeout(() => other.exec("COMMIT"), 200);
    const started = Date.now();
    await t.consume("battles", "user-busy");
    clearInterval(timer);
    assert.ok(Date.now() - started >= 150, "waited for the lock");
    assert.ok(ticks >= 5, `the event loop kept running (${ticks} ticks)`);
  } finally {
    other.close();
    await t.close();
  }
});

const pgUrl = process.env.TEST_POSTGRES_URL;
if (pgUrl) {
  const dbName = `lmr_throttle_${process.pid}_${Date.now()}`;
  const url = new URL(pgUrl);
  url.pathname = `/${dbName}`;
  let created: Promise<DatabaseTarget> | undefined;
  suite("PostgreSQL", () => {
    created ??= pgQuery(pgUrl, `CREATE DATABASE ${dbName}`).then(() => databaseTarget(url.toString()));
    return created;
  });
  after(async () => {
    if (created) await pgQuery(pgUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });
} else {
  test("PostgreSQL", {
    skip: "TEST_POSTGRES_URL is not set (the test command sets it when run as root)",
  }, () => {});
}
