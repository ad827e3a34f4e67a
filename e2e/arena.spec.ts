import { createServer, type Server } from "node:http";
import { expect, type Page, test } from "@playwright/test";
import { ADMIN, newEmail, seedE2e, shot, signIn, signOut, signUp } from "./helpers";

/**
 * An OpenAI-compatible endpoint on loopback that streams a cited answer, registered by an admin as an arena
 * model with a high sampling weight, so battles are deterministic enough to check citations.
 */
/** Next to the app's port, so parallel runs on other ports do not collide. */
const MOCK_PORT = Number(process.env.E2E_PORT ?? 3100) + 87;
const MOCK_ANSWER = [
  "Experts are trained ",
  "independently on closed data [1]. ",
  "They can be **left out** at inference [2], at $O(n)$ cost. ",
  // A line of Moby-Dick (in the corpus), in emphasis: tracing finds it and highlights it inside the <em>.
  "As one reader put it, *it is a way I have of driving off the spleen and regulating the circulation* [1].",
];
let mock: Server;
const seenAuth: string[] = [];

test.beforeAll(async () => {
  mock = createServer((req, res) => {
    seenAuth.push(req.headers.authorization ?? "");
    req.resume();
    req.on("end", async () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const piece of MOCK_ANSWER) {
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: piece } }] })}\n\n`);
        await new Promise((r) => setTimeout(r, 150));
      }
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => mock.listen(MOCK_PORT, "127.0.0.1", r));
});

test.afterAll(async () => {
  mock.closeAllConnections();
  await new Promise((r) => mock.close(r));
});

async function registerModel(page: Page, name: string, weight: string) {
  await page.goto("/admin/models");
  const form = page.getByRole("form", { name: "Register a model" });
  await form.getByLabel("Name (shown after votes)").fill(name);
  await form.getByLabel("Base URL").fill(`http://127.0.0.1:${MOCK_PORT}/v1`);
  await form.getByLabel("Model name").fill("mock-model");
  await form.getByLabel("API key (optional)").fill("sk-e2e-very-secret");
  await form.getByLabel("Timeout (seconds)").fill("30");
  await form.getByLabel("Sampling weight").fill(weight);
  await form.getByRole("button", { name: "Register model" }).click();
  await expect(form.getByRole("status")).toContainText(`Registered ${name}`);
  await expect(page.getByRole("row", { name: new RegExp(name) })).toBeVisible();
}

test.describe("arena", () => {
  test("an admin registers an OpenAI-compatible model, sees the built-in ones, and disables it", async ({
    page,
  }) => {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin");
    await page.getByRole("main").getByRole("link", { name: "Models and literature" }).click();
    await expect(page.getByRole("heading", { name: "Arena models and literature" })).toBeVisible();
    await expect(page.getByRole("rowheader", { name: "extractive-baseline" })).toBeVisible();
    await registerModel(page, "e2e-disabled", "1");
    const html = await page.content();
    expect(html).not.toContain("sk-e2e-very-secret");
    await page.getByRole("button", { name: "Disable e2e-disabled" }).click();
    await expect(page.getByTestId("status-e2e-disabled")).toHaveText("out of battles");
    await expect(page.getByRole("button", { name: "Enable e2e-disabled" })).toBeVisible();
    // A duplicate name is refused with a message.
    const form = page.getByRole("form", { name: "Register a model" });
    await form.getByLabel("Name (shown after votes)").fill("e2e-disabled");
    await form.getByLabel("Base URL").fill("http://127.0.0.1:9/v1");
    await form.getByLabel("Model name").fill("x");
    await form.getByRole("button", { name: "Register model" }).click();
    await expect(form.getByRole("alert")).toContainText('A model named "e2e-disabled" already exists.');
    await shot(page, "arena-admin-models");
  });

  test("a researcher asks, reads two streamed cited answers, votes, sees the names and the leaderboard", async ({
    page,
  }) => {
    // Two traces, the rendered-Markdown checks and the leaderboard: longer than the default budget.
    test.setTimeout(180_000);
    await signIn(page, ADMIN.email, ADMIN.password);
    await registerModel(page, "e2e-mock", "1000");
    await signOut(page, ADMIN.email);

    const email = newEmail();
    await signUp(page, email);
    await page.goto("/arena");
    const main = page.getByRole("main");
    await main
      .getByLabel("Your question")
      .fill("How can data owners opt out of FlexOlmo experts? <b>bold?</b>");
    await main.getByLabel("Field").selectOption("Computer science");
    // On a slow connection the passages take a while: the page says they are coming, not that none matched.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 1500,
      downloadThroughput: 50_000,
      uploadThroughput: 50_000,
    });
    await main.getByRole("button", { name: "Ask both models" }).click();
    await expect(main.getByText("Retrieving passages from the literature…")).toBeVisible();
    await expect(main.getByText("Nothing relevant to this question was found")).toHaveCount(0);
    await expect(main.getByText(/Retrieved passages \(\d+\)/)).toBeVisible({ timeout: 30_000 });
    await expect(main.getByText("Nothing relevant to this question was found")).toHaveCount(0);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    // Every retrieved passage's title links to its paper (the sample collection's papers are on arXiv).
    await main.getByText(/Retrieved passages \(\d+\)/).click();
    const paperLinks = main.locator("details ol a[href]");
    await expect(paperLinks.first()).toBeVisible();
    for (const href of await paperLinks.evaluateAll((as) => as.map((a) => a.getAttribute("href")))) {
      expect(href).toMatch(/^https:\/\/(arxiv\.org\/abs\/|doi\.org\/)/);
    }
    await main.getByText(/Retrieved passages \(\d+\)/).click();
    // HTML in a question is shown as text, never interpreted.
    await expect(
      main
        .getByRole("region", { name: "Battle" })
        .getByText("How can data owners opt out of FlexOlmo experts? <b>bold?</b>"),
    ).toBeVisible();

    const a = main.getByRole("article", { name: "Answer A" });
    const b = main.getByRole("article", { name: "Answer B" });
    await expect(a.getByTestId("status-a")).toHaveText("finished", { timeout: 60_000 });
    await expect(b.getByTestId("status-b")).toHaveText("finished", { timeout: 60_000 });
    await shot(page, "arena-answers");

    const citation = main.getByRole("button", { name: /^Citation \d+: / }).first();
    await expect(citation).toBeVisible();
    const label = (await citation.getAttribute("aria-label")) ?? "";
    const [, n, title] = /^Citation (\d+): (.*)$/.exec(label) ?? [];
    await citation.click();
    const cited = main.getByRole("complementary", { name: `Cited passage ${n}` });
    await expect(cited).toBeVisible();
    await expect(cited).toContainText(title);
    await expect(cited).toContainText(/\b(19|20)\d\d\b/);

    // Answers are Markdown with math: bold and KaTeX render, from whichever side the mock answered.
    await expect(main.locator("article strong", { hasText: "left out" }).first()).toBeVisible();
    await expect(main.locator("article .katex").first()).toBeVisible();

    // Two vote buttons clicked together: one vote, one message, no "already voted".
    await main.evaluate((el) => {
      const buttons = Array.from(el.querySelectorAll("button"));
      for (const label of ["A is better", "Tie"]) buttons.find((b) => b.textContent === label)?.click();
    });
    const status = main.getByRole("status").filter({ hasText: "You voted: A is better." });
    await expect(status).toContainText("Model A was");
    const modelA = (await main.getByTestId("model-a").locator("strong").textContent()) ?? "";
    const modelB = (await main.getByTestId("model-b").locator("strong").textContent()) ?? "";
    expect(modelA).not.toBe("");
    expect(modelA).not.toBe(modelB);
    expect([modelA, modelB]).toContain("e2e-mock");
    await expect(main.getByRole("button", { name: "B is better" })).toBeDisabled();
    await expect(main.getByRole("alert")).toHaveCount(0);
    await expect(main.getByRole("status").filter({ hasText: "You voted: tie." })).toHaveCount(0);
    expect(seenAuth).toContain("Bearer sk-e2e-very-secret");
    await shot(page, "arena-voted");

    // Trace either answer in place: spans over the answer, its documents beside it, the battle stays.
    await main.getByRole("button", { name: "Trace A" }).click();
    const docsA = main.getByRole("region", { name: "Documents for answer A" });
    await expect(docsA).toBeVisible({ timeout: 30_000 });
    await expect(a.getByTestId("trace-a")).toBeVisible();
    await expect(a).toContainText("found verbatim in the training corpus");
    await expect(page).toHaveURL(/\/arena$/);
    await shot(page, "arena-traced-a");
    await main.getByRole("button", { name: "Trace B" }).click();
    await expect(main.getByRole("region", { name: "Documents for answer B" })).toBeVisible({
      timeout: 30_000,
    });
    await expect(b.getByTestId("trace-b")).toBeVisible();
    await expect(docsA).toHaveCount(0);
    // A's trace is kept: showing it again needs no new request.
    await main.getByRole("button", { name: "Trace A" }).click();
    await expect(docsA).toBeVisible({ timeout: 1000 });
    await page.setViewportSize({ width: 390, height: 900 });
    await shot(page, "arena-traced-a-390");
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, "arena-traced-a-1280");
    await main.getByRole("button", { name: "Hide trace A" }).click();
    await expect(docsA).toHaveCount(0);
    await expect(a.getByTestId("trace-a")).toHaveCount(0);

    // The traced answer stays rendered Markdown with math, the spans highlighted in the rendered text, its
    // citations still buttons.
    const mock = modelA === "e2e-mock" ? "a" : "b";
    const M = mock.toUpperCase();
    await main.getByRole("button", { name: `Trace ${M}` }).click();
    const traced = main.getByTestId(`trace-${mock}`);
    await expect(traced).toBeVisible();
    await expect(traced.locator("strong", { hasText: "left out" })).toBeVisible();
    await expect(traced.locator(".katex").first()).toBeVisible();
    for (const raw of ["**", "$O(n)$", "*it is"]) await expect(traced).not.toContainText(raw);
    const spleen = traced.locator("em [data-region]", { hasText: "driving off the spleen" });
    await expect(spleen).toBeVisible();
    await expect(spleen).toHaveAttribute("role", "button");
    await expect(spleen).toHaveAttribute("aria-label", /^Span: is a way I have of driving off the spleen/);
    // Highlights are inline elements, so the paragraph keeps its shape.
    expect(await spleen.evaluate((el) => getComputedStyle(el).display)).toBe("inline");
    await spleen.click();
    await expect(spleen).toHaveAttribute("aria-pressed", "true");
    await expect(main.getByRole("region", { name: `Documents for answer ${M}` })).toContainText(/Moby/);
    await shot(page, "arena-traced-markdown");
    const tracedCitation = traced.getByRole("button", { name: /^Citation 1: / }).first();
    const citeLabel = (await tracedCitation.getAttribute("aria-label")) ?? "";
    await tracedCitation.click();
    await expect(main.getByRole("complementary", { name: "Cited passage 1" })).toContainText(
      citeLabel.replace(/^Citation 1: /, ""),
    );
    await page.setViewportSize({ width: 390, height: 900 });
    await shot(page, "arena-traced-markdown-390");
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    await main.getByRole("button", { name: `Hide trace ${M}` }).click();

    // "New battle" clears the battle and readies the question box.
    await main.getByRole("button", { name: "New battle" }).click();
    await expect(main.getByRole("region", { name: "Battle" })).toHaveCount(0);
    await expect(main.getByLabel("Your question")).toHaveValue("");
    await expect(main.getByLabel("Your question")).toBeFocused();
    await page.goto("/leaderboard");
    // Wait for the navigation, or the reload below would reload the arena page.
    await expect(page).toHaveURL(/\/leaderboard$/);
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("rowheader", { name: modelA, exact: true }).first()).toBeVisible({
        timeout: 1000,
      });
      await expect(page.getByRole("rowheader", { name: modelB, exact: true }).first()).toBeVisible({
        timeout: 1000,
      });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByTestId("battles-counted")).not.toHaveText("0");
    await expect(page.getByRole("heading", { name: "Win rate" })).toBeVisible();
    await shot(page, "arena-leaderboard");

    // Filters: the vote counts under its field and today's date, not under another field.
    const today = new Date().toISOString().slice(0, 10);
    const filters = page.getByRole("form", { name: "Filters" });
    await filters.getByLabel("Field").selectOption("Computer science");
    await filters.getByLabel("Votes from").fill(today);
    await filters.getByLabel("Votes until").fill(today);
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`subject=Computer\\+science&from=${today}&to=${today}`));
    await expect(page.getByTestId("filter-description")).toContainText(
      `Computer science, ${today} to ${today}`,
    );
    // Computed in the background: "computing…" until the snapshot is ready, then the page refreshes itself.
    await expect(page.getByRole("rowheader", { name: modelA, exact: true }).first()).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.getByTestId("battles-counted")).toHaveText("1");
    await shot(page, "arena-leaderboard-filtered");
    await page.goto(`/leaderboard?subject=Humanities&from=${today}`);
    await expect(page.getByRole("main").getByText("No counted votes match these filters.")).toBeVisible({
      timeout: 30_000,
    });
    await page.goto("/leaderboard?subject=Astrology&from=tomorrow");
    const alert = page.getByRole("main").getByRole("alert");
    await expect(alert).toContainText('Unknown field "Astrology"');
    await expect(alert).toContainText("not a date");
    await page.getByRole("main").getByRole("link", { name: "Clear filters" }).waitFor({ state: "detached" });
    await expect(page.getByTestId("filter-description")).toContainText("all votes");
  });

  test("an admin sees a voter who always disagrees flagged, excludes their votes and bans them", async ({
    page,
  }) => {
    test.setTimeout(90_000);
    const outlier = newEmail("outlier");
    seedE2e("e2e-seed-voters.ts", ["--outlier", outlier]);
    // The check runs with the background ratings refresh that the leaderboard triggers after new votes.
    await page.goto("/leaderboard");
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin");
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: "Voters" })
      .click();
    await expect(page).toHaveURL(/\/admin\/voters$/);
    const main = page.getByRole("main");
    const row = main.getByRole("row", { name: new RegExp(outlier) });
    await expect(async () => {
      await page.reload();
      await expect(row).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 40_000 });
    await expect(row).toContainText("flagged");
    await expect(row).toContainText("0%");
    await expect(main.getByTestId("voter-check-summary")).toContainText("voters checked");
    // The consistent voters are not flagged.
    await expect(main.getByRole("row", { name: /consistent-/ })).toHaveCount(0);
    await shot(page, "admin-voters");

    await row.getByRole("button", { name: `Exclude votes (${outlier})` }).click();
    await expect(row).toContainText("votes excluded");
    await expect(row.getByRole("button", { name: `Include votes (${outlier})` })).toBeVisible();
    await row.getByRole("button", { name: `Ban (${outlier})` }).click();
    await expect(row).toContainText("banned");
    await expect(row.getByRole("button", { name: `Unban (${outlier})` })).toBeVisible();
    // The leaderboard leaves the excluded votes out once refreshed.
    await expect(async () => {
      await page.goto("/leaderboard");
      const excluded = Number((await page.getByTestId("excluded-count").textContent()) ?? "0");
      expect(excluded).toBeGreaterThanOrEqual(30);
    }).toPass({ timeout: 30_000 });
    await page.goto("/admin/voters");
    await row.getByRole("button", { name: `Include votes (${outlier})` }).click();
    await expect(row.getByRole("button", { name: `Exclude votes (${outlier})` })).toBeVisible();
  });

  test("researchers cannot open the voters page", async ({ page }) => {
    await signUp(page, newEmail());
    await page.goto("/admin/voters");
    await expect(page.getByRole("heading", { name: "Voters" })).toHaveCount(0);
  });

  test("an off-topic question: the arena says plainly that nothing relevant was found", async ({ page }) => {
    await signUp(page, newEmail());
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/arena");
      const main = page.getByRole("main");
      await main.getByLabel("Your question").fill("What is the best recipe for sourdough bread?");
      await main.getByRole("button", { name: "Ask both models" }).click();
      await expect(
        main.getByText("Nothing relevant to this question was found in the literature collection."),
      ).toBeVisible({
        timeout: 30_000,
      });
      await expect(main.getByText(/Retrieved passages \(\d+\)/)).toHaveCount(0);
      await shot(page, `arena-nothing-relevant-${width}`);
    }
  });

  test("an empty or over-long question is refused, in the page and by the API", async ({ page }) => {
    const email = newEmail();
    await signUp(page, email);
    await page.goto("/arena");
    const main = page.getByRole("main");
    await main.getByRole("button", { name: "Ask both models" }).click();
    await expect(main.getByRole("alert")).toHaveText("Ask a question: it cannot be empty.");
    const empty = await page.request.post("/api/arena/battles", { data: { question: "   " } });
    expect(empty.status()).toBe(400);
    expect((await empty.json()).error).toBe("Ask a question: it cannot be empty.");
    const long = await page.request.post("/api/arena/battles", { data: { question: "x".repeat(4001) } });
    expect(long.status()).toBe(400);
    expect((await long.json()).error).toMatch(/at most 4,000 characters/);
    const vote = await page.request.post("/api/arena/battles/not-a-battle/vote", { data: { choice: "a" } });
    expect(vote.status()).toBe(404);
  });
});
