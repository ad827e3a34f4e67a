import { expect, type Page, test } from "@playwright/test";
import { type FakeServer, readRecording, startFakeOpenAiServer } from "../lib/providers/fake-openai-server";
import { ADMIN, newEmail, shot, signIn, signOut, signUp } from "./helpers";

/**
 * Issue 14's done-when for real models: a fake OpenAI-compatible server on loopback (replaying recorded vLLM
 * and Ollama streams, cut into 7-byte network chunks) registered as two models, one a reasoning model; a
 * researcher gets two readable streamed answers, votes, and sees the reasoning folded after the vote. The
 * fake server runs on E2E_FAKE_MODEL_PORT (default 4510) for the length of this file.
 */
const FAKE_PORT = Number(process.env.E2E_FAKE_MODEL_PORT ?? 4510);
const REASONER = {
  name: "fake-r1-distill",
  modelName: "deepseek-r1-distill",
  recording: "vllm-reasoning",
} as const;
const PLAIN = { name: "fake-llama", modelName: "llama3.2", recording: "ollama" } as const;

test.describe.configure({ mode: "serial" });

let fake: FakeServer;
/** Models this spec took out of battles, to put back afterwards (specs share one server). */
const disabled: string[] = [];

test.beforeAll(async () => {
  fake = await startFakeOpenAiServer({
    port: FAKE_PORT,
    models: {
      // ~1.5 s of reasoning before the first word of the answer, so "reasoning" shows while it streams.
      [REASONER.modelName]: { recording: REASONER.recording, delayMs: 8 },
      [PLAIN.modelName]: { recording: PLAIN.recording, delayMs: 5 },
    },
  });
});

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  try {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin/models");
    for (const name of disabled) await setInBattles(page, name, true);
    for (const name of [REASONER.name, PLAIN.name]) await setInBattles(page, name, false);
    const show = page.getByRole("button", { name: `Show ${PLAIN.name} on the leaderboard` });
    if ((await show.count()) > 0) await show.click();
  } finally {
    await page.close();
    await fake.close();
  }
});

async function setInBattles(page: Page, name: string, on: boolean) {
  const button = page.getByRole("button", { name: `${on ? "Enable" : "Disable"} ${name}`, exact: true });
  if ((await button.count()) === 0) return;
  await button.click();
  await expect(page.getByTestId(`status-${name}`)).toHaveText(on ? "in battles" : "out of battles");
}

async function registerModel(page: Page, m: { name: string; modelName: string }) {
  const form = page.getByRole("form", { name: "Register a model" });
  await form.getByLabel("Name (shown after votes)").fill(m.name);
  await form.getByLabel("Base URL").fill(fake.url);
  await form.getByLabel("Model name").fill(m.modelName);
  await form.getByLabel("Requests at a time").fill("2");
  await form.getByLabel("Sampling weight").fill("10");
  await form.getByRole("button", { name: "Register model" }).click();
  await expect(form.getByRole("status")).toContainText(`Registered ${m.name}`);
}

async function shoot(page: Page, name: string) {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, `models-${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("two models on a local OpenAI-compatible server, one reasoning: readable streamed answers, a vote, the reasoning folded after it", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const reasoner = readRecording(REASONER.recording).info;
  const plain = readRecording(PLAIN.recording).info;

  // An admin keeps the other readable contenders out, so the arena says it has no real model yet.
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/admin/models");
  const rows = page.getByRole("main").getByRole("table").getByRole("row");
  const names = await rows.getByRole("rowheader").allTextContents();
  for (const name of names) {
    const row = rows.filter({ has: page.getByRole("rowheader", { name, exact: true }) });
    const kind = (await row.getByRole("cell").first().textContent()) ?? "";
    if (kind.includes("FlexOlmo")) {
      // The demo model is labelled as such wherever it appears; it stays enabled (readable pairs come first).
      await expect(row).toContainText("tiny demo model");
      continue;
    }
    if ((await page.getByTestId(`status-${name}`).textContent()) === "in battles") {
      await setInBattles(page, name, false);
      disabled.push(name);
    }
  }
  await page.goto("/arena");
  const notice = page.getByRole("region", { name: "No real language model has been added yet" });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("tiny byte-level demo model");
  await expect(notice.getByRole("link", { name: "Admin › Models" })).toBeVisible();
  await shoot(page, "arena-no-real-model");

  // Three steps of the README: the server's base URL and model names, registered as arena models.
  await page.goto("/admin/models");
  await registerModel(page, REASONER);
  await registerModel(page, PLAIN);
  // An admin can tell the app that a model's replies start inside <think> (the app also learns it), and undo it.
  await page
    .getByRole("button", { name: `${REASONER.name}: read replies as reasoning until </think>` })
    .click();
  await expect(page.getByTestId(`reasoning-${REASONER.name}`)).toHaveText("replies start inside <think>");
  await shoot(page, "admin-starts-inside");
  await page
    .getByRole("button", { name: `${REASONER.name}: read replies as answer unless they open with <think>` })
    .click();
  await expect(page.getByTestId(`reasoning-${REASONER.name}`)).toHaveCount(0);
  await page.goto("/arena");
  await expect(page.getByRole("region", { name: "No real language model has been added yet" })).toHaveCount(
    0,
  );
  await signOut(page, ADMIN.email);

  // A researcher asks; both answers stream in; the reasoning model is "reasoning" first.
  await signUp(page, newEmail());
  await page.goto("/arena");
  const main = page.getByRole("main");
  await main
    .getByLabel("Your question")
    .fill("How can data owners keep control of their data in a mixture of experts?");
  await main.getByRole("button", { name: "Ask both models" }).click();
  await expect(main.getByText("The model is reasoning before it answers")).toBeVisible({ timeout: 30_000 });
  const a = main.getByRole("article", { name: "Answer A" });
  const b = main.getByRole("article", { name: "Answer B" });
  await expect(a.getByTestId("status-a")).toHaveText("finished", { timeout: 60_000 });
  await expect(b.getByTestId("status-b")).toHaveText("finished", { timeout: 60_000 });
  // Readable text, the answers only: no reasoning before the vote.
  await expect(main).toContainText("an expert can be left out at inference without retraining");
  await expect(main).toContainText("At inference time that expert can be switched off");
  for (const side of [a, b]) {
    await expect(side).not.toContainText("The question asks how the passages answer it");
    await expect(side.getByText("Reasoning before the answer")).toHaveCount(0);
  }
  await expect(main.getByRole("button", { name: /^Citation 1: / }).first()).toBeVisible();
  await shoot(page, "arena-answered");

  await main.getByRole("button", { name: "A is better" }).click();
  await expect(main.getByRole("status").filter({ hasText: "You voted: A is better." })).toBeVisible();
  const modelA = (await main.getByTestId("model-a").locator("strong").textContent()) ?? "";
  const modelB = (await main.getByTestId("model-b").locator("strong").textContent()) ?? "";
  expect([modelA, modelB].sort()).toEqual([PLAIN.name, REASONER.name].sort());
  const reasonerSide = modelA === REASONER.name ? a : b;
  const plainSide = modelA === REASONER.name ? b : a;
  await expect(plainSide.getByText("Reasoning before the answer")).toHaveCount(0);
  const fold = reasonerSide.locator("details");
  await expect(fold).not.toHaveAttribute("open", "");
  await expect(fold.getByText(reasoner.reasoning.slice(0, 40))).toBeHidden();
  await fold.getByText("Reasoning before the answer").click();
  await expect(fold.getByText(reasoner.reasoning.slice(0, 40))).toBeVisible();
  await expect(reasonerSide).toContainText(reasoner.answer.slice(0, 60));
  await expect(plainSide).toContainText(plain.answer.slice(0, 60));
  await shoot(page, "arena-voted-reasoning");

  // The tiny demo model is labelled in the playground too.
  await page.goto("/playground");
  await expect(page.getByTestId("demo-note")).toContainText("FlexOlmo-mini is a tiny demo model");

  // An admin takes one model off the public leaderboard: the other is listed, with a note.
  await page.goto("/leaderboard");
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("rowheader", { name: REASONER.name, exact: true }).first()).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 40_000 });
  await expect(page.getByRole("rowheader", { name: PLAIN.name, exact: true }).first()).toBeVisible();
  const researcherPage = page;
  const admin = await page.context().browser()!.newPage();
  await signIn(admin, ADMIN.email, ADMIN.password);
  await admin.goto("/admin/models");
  await admin.getByRole("button", { name: `Hide ${PLAIN.name} from the leaderboard` }).click();
  await expect(admin.getByTestId(`board-${PLAIN.name}`)).toHaveText("hidden from the leaderboard");
  // The usage and latency stored per answer, as means per model.
  const reasonerRow = admin
    .getByRole("row")
    .filter({ has: admin.getByRole("rowheader", { name: REASONER.name }) });
  await expect(reasonerRow).toContainText("1 stored");
  await expect(reasonerRow).toContainText("123 tokens");
  await expect(reasonerRow).toContainText(/first token \d+\.\d s/);
  await shoot(admin, "admin-models");
  await admin.close();
  await researcherPage.goto("/leaderboard");
  await expect(page.getByRole("rowheader", { name: REASONER.name, exact: true }).first()).toBeVisible();
  await expect(page.getByRole("rowheader", { name: PLAIN.name, exact: true })).toHaveCount(0);
  await expect(page.getByTestId("board-notes")).toContainText("1 model is not listed here");
  await shoot(page, "leaderboard-hidden-model");

  // The server saw one streamed request per model, asking for usage.
  const seen = fake.requests.map((r) => r.model).sort();
  expect(seen).toEqual([PLAIN.modelName, REASONER.modelName].sort());
  for (const r of fake.requests) {
    expect(r.body.stream).toBe(true);
    expect(r.body.stream_options).toEqual({ include_usage: true });
  }
});

test("a judge run on a model whose replies name neither answer says why, with an example and the prompt format it needs", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/admin/judges");
  const main = page.getByRole("main");
  const records = [1, 2, 3].map((i) => ({
    id: `judge-e2e-${i}`,
    question: `Question ${i}: how do experts opt out?`,
    responseA: "Experts are trained separately [1].",
    responseB: "They are removed at inference [2].",
    modelA: "m1",
    modelB: "m2",
    vote: i % 2 ? "A" : "B",
  }));
  const datasetName = `judge e2e ${Date.now().toString(36)}`;
  await main.getByLabel("Dataset name").fill(datasetName);
  await main.getByLabel(/SciArena-Eval file/).setInputFiles({
    name: "pairs.jsonl",
    mimeType: "application/x-ndjson",
    buffer: Buffer.from(records.map((r) => JSON.stringify(r)).join("\n")),
  });
  await main.getByRole("button", { name: "Import" }).click();
  await expect(main.getByRole("status").filter({ hasText: `Imported "${datasetName}"` })).toBeVisible();
  // The fake Ollama model replies with its recorded answer: readable text without a verdict.
  await main.getByLabel("Judge", { exact: true }).selectOption({ label: `${PLAIN.name} (openai)` });
  const datasetSelect = main.getByLabel("Dataset", { exact: true });
  const value = await datasetSelect.locator("option", { hasText: datasetName }).getAttribute("value");
  await datasetSelect.selectOption(value ?? "");
  await main.getByRole("button", { name: "Start run" }).click();
  const run = main.getByRole("listitem", { name: `Run of ${PLAIN.name} on ${datasetName}` });
  await expect(run.getByText("Status: done")).toBeVisible({ timeout: 60_000 });
  await expect(run.getByTestId("accuracy")).toHaveText("no verdicts");
  const why = run.getByRole("region", { name: "Why replies could not be read" });
  await expect(why).toContainText("6 replies gave no verdict");
  await expect(why).toContainText("names neither answer with a standalone A or B");
  await expect(why).toContainText("[[A]] or [[B]]");
  await expect(why).toContainText(readRecording(PLAIN.recording).info.answer.slice(0, 50));
  await shoot(page, "judges-unparseable");
});
