import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { ADMIN, newEmail, seedE2e, shot, signIn, signUp } from "./helpers";

/**
 * Admin data flows: export in every format, re-import of the JSONL, a judge run with the extractive baseline
 * to completion, and no access at all for researchers, signed-out callers and tokens without the admin scope.
 * Votes are seeded with the test-only CLI (scripts/e2e-seed-votes.ts) into the e2e database.
 */

const researcher = newEmail("export");

function seedVotes(email: string) {
  seedE2e("e2e-seed-votes.ts", ["--email", email, "--battles", "8"]);
}

async function createKey(page: Page, name: string, scope: "models" | "admin"): Promise<string> {
  await page.goto("/admin");
  await page.getByLabel("Key name").fill(name);
  await page.getByLabel("Scope").selectOption(scope);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = page.getByRole("main").getByTestId("new-api-key");
  await expect(key).toBeVisible();
  return (await key.textContent())?.trim() ?? "";
}

async function download(page: Page, label: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: `Download ${label}` }).click(),
  ]);
  const target = path.join("test-results", "admin-export", file.suggestedFilename());
  await file.saveAs(target);
  return target;
}

test.describe.configure({ mode: "serial" });

test("a researcher cannot reach exports, judges or agreement (403 page and 403 JSON)", async ({ page }) => {
  await signUp(page, researcher);
  seedVotes(researcher);
  for (const url of ["/admin/export", "/admin/judges", "/admin/agreement"]) {
    await page.goto(url);
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  }
  await expect(page.getByRole("navigation", { name: "Admin sections" })).toHaveCount(0);
  for (const url of [
    "/api/v1/admin/export?format=jsonl",
    "/api/v1/admin/export?summary=1",
    "/api/v1/admin/judges/runs",
  ]) {
    const res = await page.request.get(url);
    expect(res.status()).toBe(403);
    const text = await res.text();
    expect(text).not.toContain("seed");
    expect(JSON.parse(text).error).toMatch(/admins/i);
  }
  const imp = await page.request.post("/api/v1/admin/datasets?name=x", { data: "[]" });
  expect(imp.status()).toBe(403);
});

test("signed-out callers and tokens without the admin scope get no data", async ({ page, playwright }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const modelsKey = await createKey(page, "models only", "models");
  const adminKey = await createKey(page, "exports", "admin");
  const anon = await playwright.request.newContext({ baseURL: page.url().replace(/\/admin.*$/, "") });
  const url = "/api/v1/admin/export?format=jsonl";
  const signedOut = await anon.get(url);
  expect(signedOut.status()).toBe(401);
  expect(await signedOut.text()).not.toContain("seed");
  // An unknown key is a 401 (as OpenAI's API answers one); a live key without the admin scope is a 403.
  for (const [token, status] of [
    ["lmr_wrong-token", 401],
    ["not-even-a-key", 401],
    [modelsKey, 403],
  ] as const) {
    const res = await anon.get(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status()).toBe(status);
    expect(await res.text()).not.toContain("seed");
  }
  const ok = await anon.get("/api/v1/admin/export?format=arena", {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["content-disposition"]).toMatch(
    /attachment; filename="sciarena-eval-.*\.battles\.jsonl"/,
  );
  const lines = (await ok.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(lines.length).toBeGreaterThanOrEqual(8);
  expect(Object.keys(lines[0])).toEqual(["model_a", "model_b", "winner", "tstamp"]);
  await anon.dispose();
});

test("an admin exports in every format, re-imports the JSONL and runs the extractive judge", async ({
  page,
}) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/admin");
  await page
    .getByRole("navigation", { name: "Admin sections" })
    .getByRole("link", { name: "Export" })
    .click();
  await expect(page.getByRole("heading", { name: "Export preference data" })).toBeVisible();
  const main = page.getByRole("main");
  await expect(main.getByText(/\d+ records/)).toBeVisible();
  // Only the seeded battles' models: exactly the 8 seeded votes.
  await main.getByLabel("e2e-left").check();
  await expect(main.getByText("8 records")).toBeVisible();
  await expect(
    main
      .getByRole("table")
      .getByText(/seed \d/)
      .first(),
  ).toBeVisible();
  // Vote filter: only A/B votes.
  await main.getByLabel("A better").check();
  await main.getByLabel("B better").check();
  await expect(main.getByRole("table").getByRole("cell", { name: "tie", exact: true })).toHaveCount(0);
  await main.getByLabel("A better").uncheck();
  await main.getByLabel("B better").uncheck();
  await shot(page, "export-page");

  const jsonl = await download(page, "JSONL");
  const records = readFileSync(jsonl, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  // The last line is the end line with the record count (a download cut short lacks it).
  expect(records.at(-1)).toEqual({ _end: true, count: records.length - 1 });
  const seeded = records.filter((r) => /seed \d/.test(r.question));
  expect(seeded.length).toBe(8);
  expect(seeded[0].citation_a.length + seeded[0].citation_b.length).toBeGreaterThan(0);
  expect(seeded[0].voter).toMatch(/^[0-9a-f]{24}$/);
  const jsonlText = readFileSync(jsonl, "utf8");
  expect(jsonlText).not.toContain(researcher);
  expect(jsonlText).not.toContain(ADMIN.email);

  const csv = readFileSync(await download(page, "CSV"), "utf8");
  expect(csv.startsWith("id,question,responseA,responseB,modelA,modelB,vote,citation_a")).toBe(true);
  expect(csv).not.toContain(researcher);
  expect(csv.endsWith(`\r\n#_end count=${records.length - 1}\r\n`)).toBe(true);
  const parquet = readFileSync(await download(page, "Parquet"));
  expect(parquet.subarray(0, 4).toString()).toBe("PAR1");
  expect(parquet.subarray(-4).toString()).toBe("PAR1");
  const arena = readFileSync(await download(page, "Arena battles"), "utf8")
    .trim()
    .split("\n");
  expect(JSON.parse(arena[0])).toHaveProperty("winner");
  expect(JSON.parse(arena[arena.length - 1])).toEqual({ _end: true, count: arena.length - 1 });

  // Re-import the JSONL as a dataset.
  await page
    .getByRole("navigation", { name: "Admin sections" })
    .getByRole("link", { name: "Judges" })
    .click();
  await expect(page.getByRole("heading", { name: "Judge evaluation" })).toBeVisible();
  const datasetName = `reimport ${Date.now().toString(36)}`;
  await main.getByLabel("Dataset name").fill(datasetName);
  await main.getByLabel(/SciArena-Eval file/).setInputFiles(jsonl);
  await main.getByRole("button", { name: "Import" }).click();
  await expect(main.getByRole("status").filter({ hasText: `Imported "${datasetName}"` })).toBeVisible();

  // A file with a bad line is refused with its line number.
  await main.getByLabel("Dataset name").fill("broken");
  await main.getByLabel(/SciArena-Eval file/).setInputFiles({
    name: "broken.jsonl",
    mimeType: "application/x-ndjson",
    buffer: Buffer.from(`${JSON.stringify(records[0])}\n{not json\n`),
  });
  await main.getByRole("button", { name: "Import" }).click();
  await expect(main.getByRole("alert").filter({ hasText: "line 2: not valid JSON" })).toBeVisible();

  // A copy of the export cut short at a line break (it lost its end line) is refused as such.
  await main.getByLabel("Dataset name").fill("cut short");
  await main.getByLabel(/SciArena-Eval file/).setInputFiles({
    name: "sciarena-eval-2026-01-01.jsonl",
    mimeType: "application/x-ndjson",
    buffer: Buffer.from(`${readFileSync(jsonl, "utf8").split("\n").slice(0, 3).join("\n")}\n`),
  });
  await main.getByRole("button", { name: "Import" }).click();
  await expect(main.getByRole("alert").filter({ hasText: "the download was cut short" })).toBeVisible();

  // Judge run with the extractive baseline on the imported dataset.
  await main.getByLabel("Judge", { exact: true }).selectOption({ label: "extractive-baseline (extractive)" });
  const datasetSelect = main.getByLabel("Dataset", { exact: true });
  const value = await datasetSelect.locator("option", { hasText: datasetName }).getAttribute("value");
  await datasetSelect.selectOption(value ?? "");
  // A prompt without the placeholders is refused with the server's reason for that field; Reset brings it back.
  const startForm = main.getByRole("form", { name: "Start a judge run" });
  await startForm.getByLabel("Prompt").fill("Which answer is better?");
  await startForm.getByRole("button", { name: "Start run" }).click();
  await expect(startForm.getByRole("alert")).toHaveText(
    "The prompt must contain {question}, {responseA} and {responseB}",
  );
  await startForm.getByRole("button", { name: "Reset prompt" }).click();
  await expect(startForm.getByLabel("Prompt")).toHaveValue(/\{question\}/);
  await main.getByRole("button", { name: "Start run" }).click();
  const run = main.getByRole("listitem", { name: `Run of extractive-baseline on ${datasetName}` });
  await expect(run.getByText("Status: done")).toBeVisible({ timeout: 30_000 });
  // Eight pairs at most: the accuracy comes with its n and is marked too few.
  await expect(run.getByTestId("accuracy")).toHaveText(/^too few\d+% on [1-8] pairs?; 10 needed$/);
  await run.getByText("Breakdown and prompt").click();
  await expect(run.getByRole("table", { name: "By subject" })).toBeVisible();
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, `judges-page-${width}`);
  }

  await page
    .getByRole("navigation", { name: "Admin sections" })
    .getByRole("link", { name: "Agreement" })
    .click();
  await expect(page.getByRole("heading", { name: "Annotator agreement" })).toBeVisible();
  await main.getByRole("button", { name: "Mark for calibration" }).first().click();
  await expect(main.getByRole("button", { name: "Stop calibration" }).first()).toBeVisible();
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, `agreement-page-${width}`);
  }
});
