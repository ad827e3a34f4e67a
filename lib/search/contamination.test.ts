import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ContaminationResult } from "@/engine/fm/index";
import { HttpError } from "../http-error";
import {
  CONTAMINATION_LIMITS,
  parseContaminationRequest,
  parseEntriesText,
  summarize,
} from "./contamination";

const DOMAINS = ["public", "creative"];

function rejects(body: unknown, status: number, message: RegExp) {
  assert.throws(
    () => parseContaminationRequest(body, DOMAINS),
    (e: unknown) => e instanceof HttpError && e.status === status && message.test(e.message),
  );
}

describe("parseContaminationRequest", () => {
  test("fills missing ids with the 1-based position and keeps given ones", () => {
    const r = parseContaminationRequest({ entries: [{ text: "a b" }, { id: 7, text: "c" }] }, DOMAINS);
    assert.deepEqual(r.entries, [
      { id: "1", text: "a b" },
      { id: "7", text: "c" },
    ]);
    assert.equal(r.domains, undefined);
    assert.deepEqual(
      parseContaminationRequest({ entries: [{ text: "x" }], domains: ["creative"] }, DOMAINS).domains,
      ["creative"],
    );
  });

  test("400 for wrong shapes, 413 over the limits", () => {
    rejects(null, 400, /JSON object/);
    rejects({}, 400, /entries must be a list/);
    rejects({ entries: [] }, 400, /entries is empty/);
    rejects({ entries: ["text"] }, 400, /entry 1 must be an object/);
    rejects({ entries: [{ text: 3 }] }, 400, /entry 1: text must be a string/);
    rejects({ entries: [{ text: "  " }] }, 400, /entry 1: text is empty/);
    rejects({ entries: [{ id: {}, text: "a" }] }, 400, /id must be a string or a number/);
    rejects({ entries: [{ text: "a" }], domains: ["fiction"] }, 400, /Unknown domain "fiction"/);
    const L = CONTAMINATION_LIMITS;
    rejects(
      { entries: Array.from({ length: L.maxEntries + 1 }, () => ({ text: "a" })) },
      413,
      /limit is 200/,
    );
    rejects(
      { entries: [{ text: "a".repeat(L.maxEntryChars + 1) }] },
      413,
      /entry 1: text is 5001 characters/,
    );
    const many = Array.from({ length: L.maxEntries }, () => ({ text: "a".repeat(L.maxEntryChars) }));
    rejects({ entries: many }, 413, /the entries hold 1000000 characters/);
  });
});

test("summarize counts labels and averages the share", () => {
  const r = (label: ContaminationResult["label"], share: number): ContaminationResult => ({
    id: label,
    probes: 10,
    found: share * 10,
    share,
    label,
  });
  assert.deepEqual(summarize([r("clean", 0), r("dirty", 1), r("dirty", 0.9), r("suspicious", 0.5)]), {
    entries: 4,
    clean: 1,
    suspicious: 1,
    dirty: 2,
    dirty_share: 0.5,
    mean_share: 0.6,
  });
  assert.deepEqual(summarize([]), {
    entries: 0,
    clean: 0,
    suspicious: 0,
    dirty: 0,
    dirty_share: 0,
    mean_share: 0,
  });
});

test("parseEntriesText reads JSONL objects and plain lines, and names bad lines", () => {
  const text = [
    '{"id": "q1", "text": "Call me Ishmael."}',
    "",
    "A plain line of text",
    '{"text": "no id here"}',
    "{not json",
    '{"question": "no text field"}',
    '{"id": 5, "text": "numeric id"}',
  ].join("\r\n");
  const r = parseEntriesText(text);
  assert.deepEqual(r.entries, [
    { id: "q1", text: "Call me Ishmael." },
    { id: "line 3", text: "A plain line of text" },
    { id: "line 4", text: "no id here" },
    { id: "5", text: "numeric id" },
  ]);
  assert.deepEqual(r.errors, [
    { line: 5, message: "not valid JSON" },
    { line: 6, message: 'needs a non-empty string "text" field' },
  ]);
  // A BOM at the very start of a file is ignored.
  assert.deepEqual(parseEntriesText('\uFEFF{"text": "x"}').entries, [{ id: "line 1", text: "x" }]);
});
