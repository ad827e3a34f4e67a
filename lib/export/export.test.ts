/**
 * Exports against a real (temporary SQLite) database: the record layout, every format (CSV parsed back,
 * Parquet read back with hyparquet, arena battles read by the ratings CLI), the end line that makes a copy cut
 * short detectable by every reader, the filters, paging, and that no email, name, password hash or API key
 * ever reaches an export.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { parquetReadObjects } from "hyparquet";
import { type DatasetImportError, evalRecordSchema, parseEvalFile } from "../judges/datasets";
import { parseBattlesJsonl } from "../ranking/jsonl";
import { ExportEndChecker, ExportEndError, endLine, looksLikeExportName } from "./end";
import { EXPORT_FORMATS, type ExportFormat } from "./formats";
import {
  countExport,
  DEFAULT_FILTERS,
  type ExportFilters,
  exportPages,
  exportStream,
  parseExportQuery,
  previewExport,
} from "./query";
import { citedNumbers, conciseAuthors, questionType, type SciArenaEvalRecord } from "./record";
import { type Fixture, makeFixture, SECRETS } from "./test-fixtures";

let fx: Fixture;
const voter = (id: string) => createHmac("sha256", "test-secret").update(id).digest("hex").slice(0, 24);

before(async () => {
  fx = await makeFixture(12);
});
after(() => fx.close());

async function bytesOf(
  format: ExportFormat,
  filters: ExportFilters = DEFAULT_FILTERS,
  pageSize?: number,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const reader = exportStream(fx.db, format, filters, voter, { pageSize }).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The JSONL export's records; its last line must be the end line with their count. */
async function jsonl(filters: ExportFilters = DEFAULT_FILTERS): Promise<SciArenaEvalRecord[]> {
  const text = (await bytesOf("jsonl", filters)).toString("utf8");
  assert.ok(text.endsWith("\n"));
  const lines = text.split("\n").filter(Boolean);
  const end = JSON.parse(lines.pop() ?? "");
  assert.deepEqual(end, { _end: true, count: lines.length }, "the JSONL export ends with its count");
  return lines.map((l) => JSON.parse(l) as SciArenaEvalRecord);
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return new Uint8Array(b).buffer;
}

/** A strict RFC 4180 reader, to check what the CSV writer produces. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else {
      assert.notEqual(c, "\n", "a bare LF outside quotes is not RFC 4180");
      field += c;
      i++;
    }
  }
  assert.equal(field, "", "the file ends with CRLF");
  return rows;
}

test("concise authors, cited numbers and question types", () => {
  assert.equal(conciseAuthors(["Stephen E. Robertson"], 1994), "Robertson 1994");
  assert.equal(conciseAuthors(["S. Robertson", "Hugo Zaragoza"], 2009), "Robertson and Zaragoza 2009");
  assert.equal(conciseAuthors(["Lewis, Patrick", "B", "C"], 2020), "Lewis et al. 2020");
  assert.deepEqual(citedNumbers("a [2][3] b [1, 2] c [4-5] d [9]", 5), [2, 3, 1, 4, 5]);
  assert.equal(questionType("Compare BM25 and DPR."), "Comparative Analysis");
  assert.equal(questionType("What are the limitations of BM25?"), "Challenges & Limitations");
  assert.equal(questionType("How does BM25 rank?"), "Methodology Inquiry");
  assert.equal(questionType("What is entropy?"), "Conceptual Explanation");
});

test("JSONL records have the SciArena-Eval layout with citations from the cited passages", async () => {
  const records = await jsonl();
  // 12 battles, one flagged (3), Alan's (every third, i % 3 == 2) excluded: 12 - 1 - 4 = 7.
  assert.equal(records.length, 7);
  const r = records.find((x) => x.question.endsWith("case 0?"));
  assert.ok(r);
  // SciArena-Eval's published layout, in its order, as the calibration importer declares it (an independent
  // statement of the format), then our voter pseudonym.
  assert.deepEqual(Object.keys(r), [...Object.keys(evalRecordSchema.shape), "voter"]);
  assert.equal(r.modelA, "extractive-baseline");
  assert.equal(r.modelB, "remote-llm");
  assert.equal(r.vote, "A");
  assert.deepEqual(
    r.citation_a.map((c) => c.concise_authors),
    ["Robertson et al. 1994", "Robertson and Zaragoza 2009"],
  );
  assert.deepEqual(
    r.citation_b.map((c) => c.concise_authors),
    ["Karpukhin 2020", "Robertson et al. 1994"],
  );
  assert.match(r.citation_b[0].content, /two BERT encoders/);
  assert.equal(r.paper_bank.length, 3);
  assert.equal(r.subject, "Computer Science");
  assert.equal(r.question_type, "Methodology Inquiry");
  assert.equal(r.tstamp, Date.UTC(2026, 0, 1, 12) / 1000);
  assert.equal(r.voter, voter(fx.users.ada));
  assert.equal(await countExport(fx.db, DEFAULT_FILTERS), 7);
});

test("no export format holds an email, name, password hash, API key or user id", async () => {
  const secrets = [
    ...SECRETS.emails,
    ...SECRETS.names,
    SECRETS.passwordHash,
    SECRETS.apiKeyHash,
    SECRETS.apiKeyCipher,
    SECRETS.baseUrl,
    "SEALEDKEY",
    "argon2",
    "example.org",
    fx.users.ada,
    fx.users.grace,
    fx.users.alan,
  ];
  const everything = { ...DEFAULT_FILTERS, includeFlagged: true, includeExcludedVoters: true };
  for (const format of EXPORT_FORMATS) {
    const text = (await bytesOf(format, everything)).toString("latin1");
    for (const s of secrets) assert.ok(!text.includes(s), `${format} export contains ${s}`);
  }
  const preview = JSON.stringify(await previewExport(fx.db, everything, voter, 20));
  for (const s of secrets) assert.ok(!preview.includes(s), `preview contains ${s}`);
});

test("CSV is RFC 4180 with nested fields as JSON strings", async () => {
  const rows = parseCsv((await bytesOf("csv")).toString("utf8"));
  assert.equal(
    rows[0].join(","),
    "id,question,responseA,responseB,modelA,modelB,vote,citation_a,citation_b,question_type,subject,paper_bank,tstamp,voter",
  );
  assert.equal(rows.length, 9);
  assert.deepEqual(rows[8], ["#_end count=7"], "the CSV ends with its count, one field");
  const records = await jsonl();
  for (let i = 0; i < records.length; i++) {
    const row = rows[i + 1];
    assert.equal(row.length, 14);
    assert.equal(row[2], records[i].responseA, "commas and quotes survive");
    assert.equal(row[3], records[i].responseB, "newlines survive");
    assert.deepEqual(JSON.parse(row[7]), records[i].citation_a);
    assert.deepEqual(JSON.parse(row[11]), records[i].paper_bank);
    assert.equal(Number(row[12]), records[i].tstamp);
  }
  const empty = (await bytesOf("csv", { ...DEFAULT_FILTERS, subjects: ["Nothing"] })).toString("utf8");
  assert.deepEqual(
    parseCsv(empty).map((r) => r[0]),
    ["id", "#_end count=0"],
    "an empty export still has its header and end line",
  );
});

test("Parquet reads back with hyparquet, across several row groups", async () => {
  const records = await jsonl();
  const buf = await bytesOf("parquet");
  assert.equal(buf.subarray(0, 4).toString(), "PAR1");
  const file = toArrayBuffer(buf);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  assert.equal(rows.length, records.length);
  for (let i = 0; i < rows.length; i++) {
    assert.deepEqual({ ...rows[i] }, { ...records[i] } as unknown as Record<string, unknown>);
  }
  // Pages of 2 -> 4 row groups: the same rows.
  const paged = await bytesOf("parquet", DEFAULT_FILTERS, 2);
  const pagedRows = await parquetReadObjects({
    file: toArrayBuffer(paged),
  });
  assert.deepEqual(
    pagedRows.map((r) => r.id),
    records.map((r) => r.id),
  );
  const empty = await bytesOf("parquet", { ...DEFAULT_FILTERS, subjects: ["Nothing"] });
  const none = await parquetReadObjects({
    file: toArrayBuffer(empty),
  });
  assert.equal(none.length, 0);
});

test("the ratings CLI reads the Chatbot Arena battle export", async () => {
  const all = { ...DEFAULT_FILTERS, includeFlagged: true, includeExcludedVoters: true };
  const text = (await bytesOf("arena", all)).toString("utf8");
  const lines = text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(lines.pop(), { _end: true, count: 12 });
  assert.equal(lines.length, 12);
  assert.deepEqual(Object.keys(lines[0]), ["model_a", "model_b", "winner", "tstamp"]);
  assert.deepEqual(
    new Set(lines.map((l) => l.winner)),
    new Set(["model_a", "model_b", "tie", "tie (bothbad)"]),
  );
  const file = path.join(fx.dir, "battles.jsonl");
  writeFileSync(file, text);
  const out = execFileSync(
    path.join(process.cwd(), "node_modules", ".bin", "tsx"),
    ["lib/ranking/cli.ts", "--input", file, "--json", "--bootstrap", "0"],
    { encoding: "utf8" },
  );
  const board = JSON.parse(out) as { models: { model: string; battles: number }[] };
  assert.deepEqual(board.models.map((m) => m.model).sort(), [
    "extractive-baseline",
    "flexolmo-all",
    "remote-llm",
  ]);
  assert.equal(
    board.models.reduce((s, m) => s + m.battles, 0),
    24,
    "each battle counts for both models",
  );
});

test("every text export ends with its count, and each reader refuses a copy cut short", async () => {
  const all = { ...DEFAULT_FILTERS, includeFlagged: true, includeExcludedVoters: true };
  const expected = { jsonl: 12, csv: 12, arena: 12 } as const;
  for (const format of ["jsonl", "csv", "arena"] as const) {
    const bytes = await bytesOf(format, all, 5);
    const whole = new ExportEndChecker(format);
    // Fed in odd-sized pieces: a line split across network chunks is read the same.
    for (let i = 0; i < bytes.length; i += 97) whole.push(bytes.subarray(i, i + 97));
    assert.deepEqual(whole.finish(), { count: expected[format] }, `${format}: the complete export checks`);
    // Cut at every line break and in the middle of every line: each copy is refused.
    const cuts: number[] = [];
    for (let i = 0; i < bytes.length - 1; i++) if (bytes[i] === 10) cuts.push(i + 1, Math.max(1, i - 10));
    for (const cut of cuts) {
      const c = new ExportEndChecker(format);
      c.push(bytes.subarray(0, cut));
      assert.throws(() => c.finish(), ExportEndError, `${format} cut at byte ${cut} of ${bytes.length}`);
    }
  }
  // A record dropped from the middle: the count no longer matches.
  const lines = (await bytesOf("jsonl", all)).toString("utf8").split("\n");
  const dropped = new ExportEndChecker("jsonl");
  dropped.push(Buffer.from([...lines.slice(0, 3), ...lines.slice(4)].join("\n")));
  assert.throws(() => dropped.finish(), /says 12 records but the file holds 11/);
  assert.equal(endLine("csv", 3), "#_end count=3\r\n");
  assert.ok(looksLikeExportName("/tmp/sciarena-eval-2026-11-26.battles.jsonl"));
  assert.ok(looksLikeExportName("sciarena-eval-2026-11-26 (1).csv"));
  assert.ok(!looksLikeExportName("arena-battles.jsonl"));
});

test("a complete export round-trips through the dataset import and the ratings reader; a cut one is refused", async () => {
  const all = { ...DEFAULT_FILTERS, includeFlagged: true, includeExcludedVoters: true };
  const text = (await bytesOf("jsonl", all)).toString("utf8");
  const items = parseEvalFile(text, { requireEnd: true });
  assert.equal(items.length, 12);
  const records = text
    .trim()
    .split("\n")
    .slice(0, -1)
    .map((l) => JSON.parse(l) as SciArenaEvalRecord);
  assert.deepEqual(
    items.map((i) => [i.externalId, i.vote, i.modelA]),
    records.map((r) => [r.id, r.vote, r.modelA]),
  );
  const cut = text.split("\n").slice(0, 6).join("\n");
  assert.throws(
    () => parseEvalFile(`${cut}\n`, { requireEnd: true }),
    (e: DatasetImportError) => /cut short/.test(e.errors[0]),
  );
  assert.throws(
    () => parseEvalFile(cut.slice(0, -20), {}),
    (e: DatasetImportError) => /line 6: not valid JSON \(the file ends in the middle of it/.test(e.errors[0]),
  );
  assert.equal(parseEvalFile(`${cut}\n`).length, 6, "without requireEnd, a file with no end line is foreign");
  assert.throws(
    () => parseEvalFile(`${cut}\n{"_end":true,"count":12}\n`),
    (e: DatasetImportError) => /says 12 records but the file holds 6/.test(e.errors[0]),
  );

  const arena = (await bytesOf("arena", all)).toString("utf8");
  assert.equal(parseBattlesJsonl(arena, { requireEnd: true }).length, 12);
  const arenaCut = `${arena.split("\n").slice(0, 5).join("\n")}\n`;
  assert.throws(() => parseBattlesJsonl(arenaCut, { requireEnd: true }), /cut short/);
  assert.throws(() => parseBattlesJsonl(`${arenaCut}{"_end":true,"count":12}\n`), /says 12 records/);
  assert.throws(() => parseBattlesJsonl(`${arena}${arena.split("\n")[0]}\n`), /after the end line/);
  // The ratings CLI requires the end line of a file named like an export, and names the problem.
  const named = path.join(fx.dir, "sciarena-eval-2026-01-01.battles.jsonl");
  writeFileSync(named, arenaCut);
  const run = spawnSync(
    path.join(process.cwd(), "node_modules", ".bin", "tsx"),
    ["lib/ranking/cli.ts", "--input", named, "--json", "--bootstrap", "0"],
    { encoding: "utf8" },
  );
  assert.equal(run.status, 2);
  assert.match(run.stderr, /end line.*cut short/);
});

test("filters: dates, subjects, models, vote kinds, trusted voters, flagged, excluded voters", async () => {
  const q = (s: string) => parseExportQuery(new URLSearchParams(s)).filters;
  const count = (s: string) => countExport(fx.db, q(s));
  assert.equal(await count(""), 7);
  assert.equal(await count("flagged=include"), 8);
  assert.equal(await count("flagged=include&excluded=include"), 12);
  assert.equal(await count("trusted=only"), 3, "Ada's votes: battles 0, 6, 9 (3 is flagged)");
  assert.equal(await count("votes=a,b"), 6);
  assert.equal(await count("subjects=Medicine"), 4, "battles 1, 4, 7, 10");
  assert.equal(await count("models=flexolmo-all"), 4);
  assert.equal(await count("from=2026-01-02&to=2026-01-04"), 1, "battle 1 (2 is Alan's, 3 is flagged)");
  const recs = await jsonl(q("votes=tie,bothbad&flagged=include&excluded=include"));
  assert.ok(recs.every((r) => r.vote === "tie" || r.vote === "bothbad"));
  assert.throws(() => q("format=xml"), /format/);
  assert.throws(() => q("from=yesterday"), /not a date/);
  assert.throws(() => q("votes=maybe"), /votes/);
  assert.throws(() => q("from=2026-02-01&to=2026-01-01"), /before/);
});

test("pages follow the cursor without repeats or gaps", async () => {
  const all = { ...DEFAULT_FILTERS, includeFlagged: true, includeExcludedVoters: true };
  const ids: string[] = [];
  let pages = 0;
  for await (const page of exportPages(fx.db, all, { pageSize: 5 })) {
    pages++;
    ids.push(...page.map((r) => r.id));
  }
  assert.equal(pages, 3);
  assert.equal(new Set(ids).size, 12);
  const limited: string[] = [];
  for await (const page of exportPages(fx.db, all, { pageSize: 5, limit: 7 }))
    limited.push(...page.map((r) => r.id));
  assert.deepEqual(limited, ids.slice(0, 7));
});
