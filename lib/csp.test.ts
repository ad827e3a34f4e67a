import assert from "node:assert/strict";
import { test } from "node:test";
import { contentSecurityPolicy, newNonce, servedOverHttps } from "./csp";

test("scripts run only from this origin or with the request's nonce; inline styles are allowed; no framing", () => {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { https: false });
  const directives = new Map(csp.split("; ").map((d) => [d.split(" ")[0], d.slice(d.indexOf(" ") + 1)]));
  assert.equal(directives.get("script-src"), `'self' 'nonce-${nonce}' 'strict-dynamic'`);
  assert.equal(directives.get("style-src"), "'self' 'unsafe-inline'");
  assert.equal(directives.get("frame-ancestors"), "'none'");
  assert.equal(directives.get("object-src"), "'none'");
  assert.equal(directives.get("base-uri"), "'self'");
  assert.equal(directives.has("upgrade-insecure-requests"), false);
  assert.ok(contentSecurityPolicy(nonce, { https: true }).endsWith("upgrade-insecure-requests"));
  assert.match(contentSecurityPolicy(nonce, { https: false, dev: true }), /script-src [^;]*'unsafe-eval'/);
});

test("nonces are 128 random bits and never repeat", () => {
  const seen = new Set(Array.from({ length: 1000 }, newNonce));
  assert.equal(seen.size, 1000);
  for (const n of seen) assert.equal(Buffer.from(n, "base64").length, 16);
});

test("HSTS goes out when the public URL is https or a trusted proxy says https, never on a client's word", () => {
  assert.equal(servedOverHttps(undefined, { publicUrl: "https://arena.example.org", trustProxy: 0 }), true);
  assert.equal(servedOverHttps(undefined, { publicUrl: "http://localhost:3000", trustProxy: 0 }), false);
  assert.equal(servedOverHttps("https", { publicUrl: "http://localhost:3000", trustProxy: 0 }), false);
  assert.equal(servedOverHttps("https", { publicUrl: undefined, trustProxy: 1 }), true);
  assert.equal(servedOverHttps("https, http", { publicUrl: undefined, trustProxy: 1 }), true);
  assert.equal(servedOverHttps("http", { publicUrl: undefined, trustProxy: 1 }), false);
});
