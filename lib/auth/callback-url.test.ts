import assert from "node:assert/strict";
import { test } from "node:test";
import { safeCallbackPath } from "./callback-url";

const origin = "http://localhost:3000";

test("paths on the app's own origin are kept, with their query and fragment", () => {
  assert.equal(safeCallbackPath("/arena", origin), "/arena");
  assert.equal(safeCallbackPath("/trace/abc?x=1#span-2", origin), "/trace/abc?x=1#span-2");
  assert.equal(safeCallbackPath("http://localhost:3000/leaderboard", origin), "/leaderboard");
  assert.equal(safeCallbackPath("/a/../admin", origin), "/admin");
});

test("anything that leaves the origin, or would once a browser reads it, becomes /", () => {
  for (const raw of [
    "/\\evil.example", // what ?callbackUrl=/%5Cevil.example decodes to
    "\\\\evil.example",
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "https://evil.example/arena",
    "http://localhost:3001/arena",
    "https://localhost:3000/arena",
    "/.//evil.example",
    "javascript:alert(1)",
    "data:text/html,hi",
    " //evil.example",
    "\t/\\evil.example",
  ]) {
    const got = safeCallbackPath(raw, origin);
    assert.equal(got, "/", `${JSON.stringify(raw)} -> ${got}`);
  }
  assert.equal(safeCallbackPath("", origin), "/");
  assert.equal(safeCallbackPath(undefined, origin), "/");
});

test("an encoded backslash that stays encoded is a plain path segment on the origin", () => {
  // Only reached if a client double-encodes; the browser requests /%5Cevil.example on this app.
  assert.equal(safeCallbackPath("/%5Cevil.example", origin), "/%5Cevil.example");
});
