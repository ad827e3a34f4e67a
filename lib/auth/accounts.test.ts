/**
 * Passwords on a temporary SQLite database: changing one needs the current one and ends older sessions;
 * an admin's reset link works once, within its hour, and ends older sessions too.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { encode } from "next-auth/jwt";
import { createDb, type Db } from "../db/create";
import { applyMigrations } from "../db/migrate";
import { createSql, type SqlClient } from "../db/sql";
import { databaseTarget } from "../db/target";
import {
  AccountError,
  changePassword,
  changeUser,
  checkCredentials,
  createAccount,
  issuePasswordReset,
  PASSWORD_RESET_TTL_MS,
  passwordResetAccount,
  resetPassword,
  revokeSession,
} from "./accounts";
import { readSessionToken, renewedSessionCookie, sessionUser } from "./session-token";

const secret = "accounts-test-secret-0123456789abcdefgh";
const dir = mkdtempSync(path.join(tmpdir(), "accounts-"));
let db: Db;
let sql: SqlClient;

before(async () => {
  const target = databaseTarget(`file:${path.join(dir, "app.db")}`);
  await applyMigrations(target);
  db = createDb(target);
  sql = createSql(target);
});

after(async () => {
  await db.$disconnect();
  await sql.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Tokens carry their issue time in whole seconds: let the clock pass the second a token was issued in. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1100));

/** A session cookie issued now, as next-auth makes them (with the session id our jwt callback adds). */
async function sessionCookie(uid: string, sid?: string) {
  const value = await encode({ token: sid ? { uid, sid } : { uid }, secret });
  return cookieOf(value);
}

function cookieOf(value: string) {
  return {
    get: (name: string) => (name === "next-auth.session-token" ? { value } : undefined),
    getAll: () => [{ name: "next-auth.session-token", value }],
  };
}

test("changing a password needs the current one, checks the new one and ends older sessions", async () => {
  const user = await createAccount(db, { email: "ada@example.org", password: "first-password-1" });
  const old = await sessionCookie(user.id);
  assert.ok(await sessionUser(old, secret, sql), "signed in before the change");
  await nextSecond();
  await assert.rejects(
    changePassword(db, user.id, { current: "wrong-password", next: "second-password-2" }),
    (e: { code?: string; fields?: Record<string, string> }) =>
      e.code === "bad_credentials" && !!e.fields?.current,
  );
  await assert.rejects(
    changePassword(db, user.id, { current: "first-password-1", next: "short" }),
    (e: { fields?: Record<string, string> }) => /at least 10/.test(e.fields?.next ?? ""),
  );
  assert.ok(await sessionUser(old, secret, sql), "failed attempts change nothing");
  await changePassword(db, user.id, { current: "first-password-1", next: "second-password-2" });
  assert.equal(await sessionUser(old, secret, sql), null, "a session from before the change is over");
  assert.ok(await sessionUser(await sessionCookie(user.id), secret, sql), "a session issued now is fine");
  await assert.rejects(checkCredentials(db, "ada@example.org", "first-password-1"));
  assert.equal((await checkCredentials(db, "ada@example.org", "second-password-2")).id, user.id);
});

test("a reset link sets a password once, within its hour, and ends older sessions", async () => {
  const user = await createAccount(db, { email: "grace@example.org", password: "grace-password-1" });
  const old = await sessionCookie(user.id);
  await nextSecond();
  const first = await issuePasswordReset(db, "Grace@Example.org");
  const token = await issuePasswordReset(db, "grace@example.org");
  assert.equal(await passwordResetAccount(db, first), null, "issuing again replaces the last link");
  assert.deepEqual(await passwordResetAccount(db, token), { email: "grace@example.org" });
  const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  assert.ok(stored.passwordResetHash && !stored.passwordResetHash.includes(token), "only a hash is stored");
  await assert.rejects(resetPassword(db, token, "short"), (e: { fields?: Record<string, string> }) =>
    /at least 10/.test(e.fields?.password ?? ""),
  );
  const late = new Date(Date.now() + PASSWORD_RESET_TTL_MS + 1000);
  await assert.rejects(resetPassword(db, token, "grace-password-2", late), /invalid or has expired/);
  await assert.rejects(resetPassword(db, "x".repeat(43), "grace-password-2"), /invalid or has expired/);
  await assert.rejects(resetPassword(db, "../../etc", "grace-password-2"), /invalid or has expired/);
  const results = await Promise.allSettled([
    resetPassword(db, token, "grace-password-2"),
    resetPassword(db, token, "grace-password-3"),
  ]);
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, "the link works once");
  assert.equal(await passwordResetAccount(db, token), null);
  assert.equal(await sessionUser(old, secret, sql), null);
  const winner = results[0].status === "fulfilled" ? "grace-password-2" : "grace-password-3";
  assert.equal((await checkCredentials(db, "grace@example.org", winner)).id, user.id);
  await assert.rejects(issuePasswordReset(db, "nobody@example.org"), /no account/);
});

test("a signed-out session is refused, copies and renewals of its cookie included, until it would expire", async () => {
  const user = await createAccount(db, { email: "hedy@example.org", password: "hedy-password-1" });
  const signedOut = await sessionCookie(user.id, "sid-signed-out");
  const otherBrowser = await sessionCookie(user.id, "sid-other");
  const legacy = await sessionCookie(user.id);
  const token = await readSessionToken(signedOut.get("next-auth.session-token")!.value, secret);
  const renewed = await renewedSessionCookie("next-auth.session-token", token!, secret, true);
  assert.ok(await sessionUser(signedOut, secret, sql));
  assert.ok(await sessionUser(cookieOf(renewed!.value), secret, sql), "a renewal keeps the session");

  await revokeSession(db, "sid-signed-out", new Date(Date.now() + 3600_000));
  assert.equal(await sessionUser(signedOut, secret, sql), null, "the signed-out cookie");
  assert.equal(await sessionUser(cookieOf(renewed!.value), secret, sql), null, "its renewal");
  assert.ok(await sessionUser(otherBrowser, secret, sql), "another session of the same user goes on");
  assert.ok(await sessionUser(legacy, secret, sql), "a token from before sessions had ids");
  await revokeSession(db, "sid-signed-out", new Date(Date.now() + 3600_000)); // twice is harmless

  // Revocations are dropped once the cookie would have expired anyway.
  await revokeSession(db, "sid-past", new Date(Date.now() - 1000));
  await revokeSession(db, "sid-other", new Date(Date.now() + 3600_000));
  assert.deepEqual(
    (await db.revokedSession.findMany({ orderBy: { sid: "asc" } })).map((r) => r.sid),
    ["sid-other", "sid-signed-out"],
  );
});

test("an admin changes other accounts but cannot ban or demote themself", async () => {
  const admin = await createAccount(db, {
    email: "boss@example.org",
    password: "correct horse battery",
    name: "Boss",
  });
  await createAccount(db, { email: "other@example.org", password: "correct horse battery", name: "Other" });
  await changeUser(db, admin, "boss@example.org", "make-admin");
  for (const change of ["ban", "make-researcher"] as const) {
    await assert.rejects(
      changeUser(db, admin, " BOSS@example.org ", change),
      (e: unknown) => e instanceof AccountError && e.code === "not_allowed",
    );
  }
  assert.equal((await db.user.findUniqueOrThrow({ where: { email: "boss@example.org" } })).role, "admin");
  await changeUser(db, admin, "other@example.org", "make-admin");
  await changeUser(db, admin, "other@example.org", "ban");
  await changeUser(db, admin, "other@example.org", "trust");
  const other = await db.user.findUniqueOrThrow({ where: { email: "other@example.org" } });
  assert.deepEqual([other.role, other.banned, other.trusted], ["admin", true, true]);
  await assert.rejects(
    changeUser(db, admin, "nobody@example.org", "ban"),
    (e: unknown) => e instanceof AccountError && e.code === "not_found",
  );
});
