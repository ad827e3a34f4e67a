import assert from "node:assert/strict";
import { test } from "node:test";
import { relevanceLevel } from "@/engine/trace/bm25";
import { TraceError } from "@/engine/trace/errors";
import { MAX_TRACE_CHARS, validateTraceInput } from "@/engine/trace/trace";
import { traceProblem } from "./form-rules";
import { checkTraceRequest, traceBodySchema, traceRules } from "./input";

const DOMAINS = ["creative", "public", "email"];
const check = (body: unknown) => checkTraceRequest(traceBodySchema.parse(body), DOMAINS);
const rejects = (body: unknown, status: number, message: RegExp) =>
  assert.throws(
    () => check(body),
    (e: { status?: number; message: string }) => e.status === status && message.test(e.message),
  );

test("problems are told in the words of the form, with the status the API answers", () => {
  rejects({ response: "  \n" }, 400, /^The response to trace is empty/);
  rejects(
    { response: "x".repeat(MAX_TRACE_CHARS + 1) },
    413,
    /^The response is 20,001 characters; the limit is 20,000/,
  );
  rejects(
    { response: "ok", prompt: "p".repeat(MAX_TRACE_CHARS + 5) },
    413,
    /^The prompt is 20,005 characters/,
  );
  rejects(
    { response: "ok", domains: ["poetry"] },
    400,
    /no corpus domain "poetry"; choose from creative, public, email/,
  );
  for (const spanDensity of [0, -0.1, 1.5])
    rejects({ response: "ok", spanDensity }, 400, /^Span density must be a number above 0 and at most 1/);
  for (const minSpanWords of [0, 2.5, 101])
    rejects(
      { response: "ok", minSpanWords },
      400,
      /^Minimum span words must be a whole number from 1 to 100/,
    );
  // No message names an internal field.
  for (const body of [
    { response: "ok", spanDensity: 9 },
    { response: "ok", minSpanWords: 0 },
  ]) {
    assert.throws(
      () => check(body),
      (e: Error) => !/spanDensity|minSpanWords/.test(e.message),
    );
  }
});

test("limits are counted in characters as a reader counts them (an emoji is one)", () => {
  const emoji = "😀".repeat(MAX_TRACE_CHARS);
  assert.equal(check({ response: emoji }).response, emoji);
  rejects({ response: `${emoji}😀` }, 413, /20,001 characters/);
});

test("a request the rules accept, the engine accepts too, and vice versa on the edges", () => {
  const edges = [
    { response: "ok", spanDensity: 1, minSpanWords: 100, domains: ["email"] },
    { response: "ok", spanDensity: 1e-9, minSpanWords: 1 },
    { response: "ok", spanDensity: 0 },
    { response: "ok", spanDensity: 1.0001 },
    { response: "ok", minSpanWords: 101 },
    { response: "ok", minSpanWords: 0 },
    { response: "x".repeat(MAX_TRACE_CHARS) },
    { response: "x".repeat(MAX_TRACE_CHARS + 1) },
  ];
  for (const body of edges) {
    const ours = traceProblem(body, traceRules(), DOMAINS) === null;
    let engine = true;
    try {
      validateTraceInput(body, DOMAINS);
    } catch (e) {
      assert.ok(e instanceof TraceError);
      engine = false;
    }
    assert.equal(ours, engine, JSON.stringify(body).slice(0, 80));
  }
});

test("the form asks for a domain; the API takes none as all", () => {
  assert.equal(traceProblem({ response: "ok", domains: [] }, traceRules(), DOMAINS), null);
  assert.match(
    traceProblem({ response: "ok", domains: [] }, traceRules(), DOMAINS, true)?.message ?? "",
    /at least one/,
  );
});

test("the levels the page explains are the engine's thresholds", () => {
  const [high, medium, low] = traceRules().levels;
  assert.equal(high.range, "relevance 70% or more");
  assert.equal(medium.range, "relevance 50% to 69%");
  assert.equal(low.range, "relevance under 50%");
  assert.equal(relevanceLevel(0.7), "high");
  assert.equal(relevanceLevel(0.69), "medium");
  assert.equal(relevanceLevel(0.5), "medium");
  assert.equal(relevanceLevel(0.49), "low");
});
