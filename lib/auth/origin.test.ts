import assert from "node:assert/strict";
import { test } from "node:test";
import { isSameOriginRequest } from "./origin";

const own = "https://arena.example.org";
const h = (o: Record<string, string>) => new Headers(o);

test("writes from the app's own pages pass", () => {
  assert.equal(isSameOriginRequest(h({ "sec-fetch-site": "same-origin", origin: own }), own), true);
  assert.equal(isSameOriginRequest(h({ origin: own }), own), true, "older browsers: Origin alone");
  // Served under another name than NEXTAUTH_URL (a local port): Origin matches the Host it was sent to.
  assert.equal(
    isSameOriginRequest(h({ origin: "http://localhost:4300", host: "localhost:4300" }), own),
    true,
  );
  assert.equal(isSameOriginRequest(h({ "sec-fetch-site": "none" }), own), true, "typed into the address bar");
});

test("writes from other sites, sibling subdomains and opaque origins are refused", () => {
  assert.equal(
    isSameOriginRequest(h({ "sec-fetch-site": "cross-site", origin: "https://evil.example" }), own),
    false,
  );
  assert.equal(
    isSameOriginRequest(h({ "sec-fetch-site": "same-site", origin: "https://x.example.org" }), own),
    false,
  );
  assert.equal(
    isSameOriginRequest(h({ origin: "https://evil.example", host: "arena.example.org" }), own),
    false,
  );
  assert.equal(isSameOriginRequest(h({ origin: "null" }), own), false, "sandboxed frames, data: URLs");
  assert.equal(
    isSameOriginRequest(h({ origin: "http://arena.example.org" }), own),
    false,
    "http is another origin",
  );
  // Sec-Fetch-Site decides when present, whatever Origin says.
  assert.equal(isSameOriginRequest(h({ "sec-fetch-site": "cross-site", origin: own }), own), false);
});

test("requests without browser headers (scripts, curl) are not cross-site requests", () => {
  assert.equal(isSameOriginRequest(h({}), own), true);
});
