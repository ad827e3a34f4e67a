import assert from "node:assert/strict";
import { test } from "node:test";
import { FmError, FmQueryError, FmUnavailableError } from "@/engine/fm/errors";
import { TraceError } from "@/engine/trace/errors";
import { errorBody } from "../http-error";
import { engineErrorStatus } from "./errors";

test("engine error codes become HTTP statuses here, not in the engine", () => {
  assert.equal(engineErrorStatus(new FmQueryError("EMPTY_QUERY", "the query is empty")), 400);
  assert.equal(engineErrorStatus(new FmQueryError("UNKNOWN_DOMAIN", "unknown domain")), 404);
  assert.equal(engineErrorStatus(new TraceError("UNKNOWN_DOMAIN", "Unknown domain")), 400);
  assert.equal(engineErrorStatus(new TraceError("TEXT_TOO_LONG", "too long")), 413);
  assert.equal(engineErrorStatus(new FmError("INDEX_CORRUPT", "bad file")), 500);
  assert.equal(engineErrorStatus(new Error("plain")), null);
  // A copy of the class from another bundle is recognised by name and code.
  const foreign = Object.assign(new Error("the query is empty"), {
    name: "FmQueryError",
    code: "EMPTY_QUERY",
  });
  assert.equal(engineErrorStatus(foreign), 400);
});

test("a caller's engine error and unavailable shards are answered with their message; a broken index is not", () => {
  assert.deepEqual(errorBody(new TraceError("EMPTY_TEXT", "The response to trace is empty.")), {
    status: 400,
    body: { error: "The response to trace is empty.", code: "EMPTY_TEXT" },
  });
  const down = new FmUnavailableError(
    "shard server http://10.0.0.2:4200 (shards code, docs) did not answer",
    [],
    [],
  );
  assert.equal(errorBody(down).status, 503);
  assert.match(String(errorBody(down).body.error), /10\.0\.0\.2:4200 \(shards code, docs\)/);
  const origError = console.error;
  console.error = () => {};
  try {
    assert.deepEqual(errorBody(new FmError("INDEX_CORRUPT", "/secret/path: bad")), {
      status: 500,
      body: { error: "Internal error" },
    });
  } finally {
    console.error = origError;
  }
});
