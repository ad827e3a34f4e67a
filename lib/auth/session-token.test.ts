import assert from "node:assert/strict";
import { test } from "node:test";
import { encode } from "next-auth/jwt";
import { readSessionToken, renewedSessionCookie, sessionCookie } from "./session-token";

const secret = "a-test-secret-of-enough-length-0123456789";

function store(cookies: Record<string, string>) {
  return {
    get: (name: string) => (name in cookies ? { value: cookies[name] } : undefined),
    getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
  };
}

test("a token made by next-auth reads back as its user; tampered, foreign or id-less tokens do not", async () => {
  const token = await encode({ token: { uid: "user-1", role: "researcher" }, secret });
  const read = await readSessionToken(token, secret);
  assert.equal(read?.uid, "user-1");
  assert.equal(await readSessionToken(token, "another-secret-entirely-0123456789"), null);
  const tampered = `${token.slice(0, -4)}${token.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
  assert.equal(await readSessionToken(tampered, secret), null);
  assert.equal(await readSessionToken("not-a-jwt", secret), null);
  assert.equal(await readSessionToken(await encode({ token: { sub: "x" }, secret }), secret), null);
});

test("an expired token is refused even after it was read (and cached) while valid", async () => {
  const token = await encode({ token: { uid: "user-2" }, secret, maxAge: 1 });
  assert.equal((await readSessionToken(token, secret))?.uid, "user-2");
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(await readSessionToken(token, secret), null);
});

test("the cookie is found whole, under the secure name, or as numbered chunks in order", () => {
  assert.deepEqual(sessionCookie(store({ "next-auth.session-token": "abc" })), {
    name: "next-auth.session-token",
    value: "abc",
    chunked: false,
  });
  assert.equal(
    sessionCookie(store({ "__Secure-next-auth.session-token": "s" }))?.name,
    "__Secure-next-auth.session-token",
  );
  assert.deepEqual(
    sessionCookie(
      store({
        "next-auth.session-token.1": "def",
        "next-auth.session-token.10": "k",
        "next-auth.session-token.0": "abc",
        "next-auth.session-token.2": "ghij",
        "next-auth.session-token.x": "ignored",
      }),
    ),
    { name: "next-auth.session-token", value: "abcdefghijk", chunked: true },
  );
  assert.equal(sessionCookie(store({ other: "1" })), null);
});

test("a token is renewed only once it is more than a day old, keeping its claims", async () => {
  const fresh = await readSessionToken(await encode({ token: { uid: "u3", role: "admin" }, secret }), secret);
  assert.equal(await renewedSessionCookie("next-auth.session-token", fresh!, secret), null);
  const old = { ...fresh!, iat: fresh!.iat - 2 * 24 * 3600 };
  const renewed = await renewedSessionCookie("__Secure-next-auth.session-token", old, secret);
  assert.ok(renewed);
  assert.equal(renewed.options.secure, true);
  const back = await readSessionToken(renewed.value, secret);
  assert.equal(back?.uid, "u3");
  assert.equal(back?.payload.role, "admin");
  assert.ok(back!.exp > fresh!.exp - 5, "the renewed token expires no earlier");
});
