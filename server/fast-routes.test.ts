/**
 * The production server's fast vote route over real HTTP on a temporary SQLite database: the same
 * answers as the Next.js route (statuses, messages, reveal), the security headers next.config.js sets,
 * and requests left to Next.js until the app reports it is ready.
 */
import assert from "node:assert/strict";
import { channel } from "node:diagnostics_channel";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { encode } from "next-auth/jwt";
import { chunkedPost as postChunked } from "../lib/chunked-post";
import { createDb, type Db } from "../lib/db/create";
import { applyMigrations } from "../lib/db/migrate";
import { sql } from "../lib/db/sql";
import { databaseTarget } from "../lib/db/target";
import { SERVER_ACTION_BODY_LIMIT } from "../lib/http-error";
import { SERVER_READY } from "../lib/server-ready";
import { consume, throttle } from "../lib/throttle";
import {
  fastRoutes,
  parseCookies,
  refuseKnownThrottled,
  refuseOversizedBody,
  SECURITY_HEADERS,
} from "./fast-routes";
import { lingerOnClose } from "./lingering-close";

const secret = "fast-route-test-secret-0123456789abcdef";
const dir = mkdtempSync(path.join(tmpdir(), "fast-routes-"));
let db: Db;
let server: Server;
let base: string;
let alice: string;
let bob: string;
let aliceCookie: string;
const leftToNext: string[] = [];

async function battle(userId: string, status = "answered") {
  const [a, b] = await db.modelProvider.findMany({ orderBy: { name: "asc" }, take: 2 });
  return db.battle.create({
    data: { userId, question: "q", passages: "[]", modelAId: a.id, modelBId: b.id, status },
  });
}

before(async () => {
  process.env.DATABASE_URL = `file:${path.join(dir, "app.db")}`;
  process.env.THROTTLE_VOTES = "20/1m";
  process.env.THROTTLE_INFINI_GRAM = "2/1m";
  const target = databaseTarget(process.env.DATABASE_URL);
  await applyMigrations(target);
  db = createDb(target);
  alice = (await db.user.create({ data: { email: "alice@example.org" } })).id;
  bob = (await db.user.create({ data: { email: "bob@example.org" } })).id;
  for (const name of ["model-one", "model-two"])
    await db.modelProvider.create({ data: { name, kind: "openai" } });
  aliceCookie = `next-auth.session-token=${await encode({ token: { uid: alice }, secret })}`;
  const route = fastRoutes(() => secret);
  server = createServer((req, res) => {
    if (refuseOversizedBody(req, res) || refuseKnownThrottled(req, res, "127.0.0.1") || route(req, res))
      return;
    leftToNext.push(req.url ?? "");
    if (req.headers["next-action"] === undefined) return void res.writeHead(404).end();
    // Like Next.js with a server action: read the whole body, then answer (here: how many bytes arrived).
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => res.writeHead(200).end(String(Buffer.concat(chunks).length)));
    req.on("error", () => {});
  });
  lingerOnClose(server); // as the production server (server/http-server.ts) does
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.close();
  await db.$disconnect();
  await sql().close();
  await (await throttle()).close();
  rmSync(dir, { recursive: true, force: true });
});

function vote(id: string, body: string, cookie?: string) {
  return fetch(`${base}/api/arena/battles/${id}/vote`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body,
  });
}

test("until the app is ready every request is left to Next.js; then votes are answered here", async () => {
  const b = await battle(alice);
  const early = await vote(b.id, '{"choice":"a"}', aliceCookie);
  assert.equal(early.status, 404, "the stand-in for Next.js answered");
  assert.equal(leftToNext.length, 1);
  channel(SERVER_READY).publish({});
  const res = await vote(b.id, '{"choice":"a"}', aliceCookie);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    choice: "a",
    repeated: false,
    modelA: "model-one",
    modelB: "model-two",
    demoA: false,
    demoB: false,
    reasoningA: null,
    reasoningB: null,
    flagged: false,
  });
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers.get(k), v);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const again = await vote(b.id, '{"choice":"a"}', aliceCookie);
  assert.equal(((await again.json()) as { repeated: boolean }).repeated, true);
  const changed = await vote(b.id, '{"choice":"b"}', aliceCookie);
  assert.equal(changed.status, 409);
  assert.match(((await changed.json()) as { error: string }).error, /cannot be changed/);
  assert.equal(await db.vote.count({ where: { battleId: b.id } }), 1);
  assert.equal(leftToNext.length, 1, "nothing else went to Next.js");
});

test("bad requests get the same statuses and messages as the Next.js route", async () => {
  channel(SERVER_READY).publish({});
  const b = await battle(alice);
  const cases: [string, string, string | undefined, number, RegExp][] = [
    [b.id, '{"choice":"a"}', undefined, 401, /Sign in/],
    [b.id, '{"choice":"a"}', "next-auth.session-token=forged", 401, /Sign in/],
    [b.id, "not json", aliceCookie, 400, /not valid JSON/],
    [b.id, '{"choice":"maybe"}', aliceCookie, 400, /Invalid request/],
    [b.id, JSON.stringify({ choice: "a", pad: "x".repeat(2000) }), aliceCookie, 413, /limit of 1,000 bytes/],
    ["no-such-battle", '{"choice":"a"}', aliceCookie, 404, /no such battle/],
    [(await battle(bob)).id, '{"choice":"a"}', aliceCookie, 403, /Only the researcher who asked/],
    [(await battle(alice, "streaming")).id, '{"choice":"a"}', aliceCookie, 409, /both answers/],
  ];
  for (const [id, body, cookie, status, message] of cases) {
    const res = await vote(id, body, cookie);
    assert.equal(res.status, status, `${body.slice(0, 30)} -> ${status}`);
    assert.match(((await res.json()) as { error: string }).error, message);
  }
  const details = await (await vote(b.id, '{"choice":"maybe"}', aliceCookie)).json();
  assert.match(JSON.stringify(details), /choice must be/);
  // A banned researcher counts as signed out on the next request.
  await db.user.update({ where: { id: alice }, data: { banned: true } });
  assert.equal((await vote(b.id, '{"choice":"a"}', aliceCookie)).status, 401);
  await db.user.update({ where: { id: alice }, data: { banned: false } });
  assert.equal((await vote(b.id, '{"choice":"a"}', aliceCookie)).status, 200);
  // Other methods and paths are not fast routes.
  const before = leftToNext.length;
  await fetch(`${base}/api/arena/battles/${b.id}/vote`);
  await fetch(`${base}/api/arena/battles/${b.id}/vote/extra`, { method: "POST", body: "{}" });
  assert.equal(leftToNext.length, before + 2);
});

test("votes are throttled per researcher on the database: a 429 with Retry-After past THROTTLE_VOTES", async () => {
  channel(SERVER_READY).publish({});
  const carol = (await db.user.create({ data: { email: "carol@example.org" } })).id;
  const cookie = `next-auth.session-token=${await encode({ token: { uid: carol }, secret })}`;
  const b = await battle(carol);
  for (let i = 0; i < 20; i++) assert.equal((await vote(b.id, '{"choice":"tie"}', cookie)).status, 200);
  const refused = await vote(b.id, '{"choice":"tie"}', cookie);
  assert.equal(refused.status, 429);
  const wait = Number(refused.headers.get("retry-after"));
  assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
  assert.match(
    ((await refused.json()) as { error: string }).error,
    /^Too many votes: at most 20 votes in a minute/,
  );
  // Alice is not affected by Carol's count.
  assert.equal((await vote((await battle(alice)).id, '{"choice":"a"}', aliceCookie)).status, 200);
});

test("a vote from another site's page is refused before the session is read", async () => {
  channel(SERVER_READY).publish({});
  const b = await battle(bob);
  const bobCookie = `next-auth.session-token=${await encode({ token: { uid: bob }, secret })}`;
  const crossSite: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { "sec-fetch-site": "cross-site" },
    { "sec-fetch-site": "same-site" },
  ];
  for (const headers of crossSite) {
    const res = await fetch(`${base}/api/arena/battles/${b.id}/vote`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: bobCookie, ...headers },
      body: '{"choice":"a"}',
    });
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.match(((await res.json()) as { error: string }).error, /Cross-site request refused/);
  }
  assert.equal(await db.vote.count({ where: { battleId: b.id } }), 0);
  const own = await fetch(`${base}/api/arena/battles/${b.id}/vote`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie: bobCookie,
      origin: base,
      "sec-fetch-site": "same-origin",
    },
    body: '{"choice":"a"}',
  });
  assert.equal(own.status, 200);
});

/** POSTs `offered` bytes chunked (no Content-Length) and reports the status and how much got out before the close. */
function chunkedPost(pathname: string, offered: number, headers: Record<string, string> = {}) {
  return postChunked(new URL(pathname, base), offered, headers);
}

test("a 100 MB chunked vote body is refused at 1,000 bytes: a 413, and the connection closes long before the end", async () => {
  channel(SERVER_READY).publish({});
  const b = await battle(alice);
  const r = await chunkedPost(`/api/arena/battles/${b.id}/vote`, 100 * 1024 * 1024, { cookie: aliceCookie });
  assert.equal(r.status, 413);
  assert.match(r.body, /limit of 1,000 bytes/);
  assert.ok(r.sent < 32 * 1024 * 1024, `the client got ${(r.sent / 2 ** 20).toFixed(1)} MB out`);
});

test("server actions: a body over the limit is a 413 naming it, declared (before Next.js reads it) or chunked (as it streams in)", async () => {
  const config = (await import(pathToFileURL(path.resolve("next.config.js")).href)) as {
    default: { experimental: { serverActions: { bodySizeLimit: string } } };
  };
  assert.equal(config.default.experimental.serverActions.bodySizeLimit, "1mb");
  assert.equal(SERVER_ACTION_BODY_LIMIT, 1024 * 1024);
  const before = leftToNext.length;
  const big = await fetch(`${base}/signup`, {
    method: "POST",
    headers: { "next-action": "abc", "content-type": "text/plain" },
    body: "x".repeat(SERVER_ACTION_BODY_LIMIT + 1),
  });
  assert.equal(big.status, 413);
  assert.match(((await big.json()) as { error: string }).error, /limit of 1 MB/);
  const chunked = await chunkedPost("/signup", 100 * 1024 * 1024, { "next-action": "abc" });
  assert.equal(chunked.status, 413);
  assert.match(chunked.body, /limit of 1 MB/);
  assert.ok(chunked.sent < 32 * 1024 * 1024, `the client got ${(chunked.sent / 2 ** 20).toFixed(1)} MB out`);
  // A chunked action under the limit reaches Next.js whole and is served.
  const small = await chunkedPost("/signup", 15 * 64 * 1024, { "next-action": "abc" });
  assert.equal(small.status, 200);
  assert.equal(small.body, String(15 * 64 * 1024), "every byte reached the reader");
  // Any request declaring more than the largest route limit (50 MB) is refused whatever its path.
  const huge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(new URL("/api/infini-gram", base), {
      method: "POST",
      headers: { "content-length": String(51 * 1024 * 1024) },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.write("x");
  });
  assert.equal(huge.status, 413);
  assert.match(huge.body, /limit of 50 MB/);
  // Within the limit, an action goes on to Next.js.
  const served = await fetch(`${base}/signup`, {
    method: "POST",
    headers: { "next-action": "abc" },
    body: "[]",
  });
  assert.equal(await served.text(), "2");
  assert.equal(leftToNext.length, before + 3, "the two chunked actions and this one went on to Next.js");
});

test("an address the throttle has refused is answered 429 before Next.js until its window ends; sessions go on", async () => {
  const ask = (headers: Record<string, string> = {}) =>
    fetch(`${base}/api/infini-gram`, { method: "POST", headers, body: '{"query_type":"count","query":"a"}' });
  const before = leftToNext.length;
  assert.equal((await ask()).status, 404, "nothing refused yet: left to Next.js");
  // The route (Next.js) counts through consume; the third is refused there, and this instance remembers it.
  await consume("infini-gram", "addr:127.0.0.1");
  await consume("infini-gram", "addr:127.0.0.1");
  await assert.rejects(consume("infini-gram", "addr:127.0.0.1"), { status: 429 });
  const early = await ask();
  assert.equal(early.status, 429);
  const wait = Number(early.headers.get("retry-after"));
  assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
  assert.match(((await early.json()) as { error: string }).error, /^Too many infini-gram queries: at most 2/);
  // A signed-in caller is counted per user by the route, not refused here for the address.
  assert.equal((await ask({ cookie: aliceCookie })).status, 404);
  assert.equal(leftToNext.length, before + 2);
});

test("the fast routes send the security headers next.config.js sets on every response", async () => {
  const config = (await import(pathToFileURL(path.resolve("next.config.js")).href)) as {
    default: { headers: () => Promise<{ headers: { key: string; value: string }[] }[]> };
  };
  const rules = await config.default.headers();
  const configured = Object.fromEntries(rules.flatMap((r) => r.headers).map((h) => [h.key, h.value]));
  assert.deepEqual(configured, SECURITY_HEADERS);
});

test("cookie headers parse like browsers send them", () => {
  const jar = parseCookies('a=1; b="quoted"; c=%41%42; a=2; bad; =x; d=%E0%A4%A');
  assert.equal(jar.get("a"), "1", "the first of two same-named cookies wins");
  assert.equal(jar.get("b"), "quoted");
  assert.equal(jar.get("c"), "AB");
  assert.equal(jar.get("d"), "%E0%A4%A", "a malformed escape is kept as sent");
  assert.equal(jar.has("bad"), false);
  assert.equal(jar.size, 4);
});
