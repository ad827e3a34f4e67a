import { expect, test } from "@playwright/test";

// A sentence copied from the corpus (Moby-Dick, chapter 1, creative domain) between words of our own.
const MOBY =
  "There now is your insular city of the Manhattoes, belted round by wharves as Indian isles by coral reefs—commerce surrounds it with her surf.";
const PARAGRAPH = `Last spring I flew to New York for a workshop on compilers. ${MOBY} My own memories are mostly of bad coffee and queues at the museum.`;
const CHAPTER = "Moby-Dick, CHAPTER 1. Loomings.";

test("a pasted paragraph is traced to the Moby-Dick chapter; spans filter, locate, view and share", async ({
  page,
  context,
}) => {
  await page.goto("/trace");
  await expect(page.getByRole("heading", { name: "Trace", level: 1 })).toBeVisible();
  await page.getByLabel("Model response").fill(PARAGRAPH);
  await page.getByRole("button", { name: "Trace", exact: true }).click();

  const span = page.getByRole("button", { name: /^Span: There now is your insular city/ });
  await expect(span).toBeVisible({ timeout: 30_000 });
  await expect(span).toHaveAttribute("data-level", "high");
  await expect(page).toHaveURL(/\/trace\/[a-z0-9]+$/);

  const panel = page.getByRole("region", { name: "Documents" });
  const high = panel.getByRole("region", { name: /^High relevance/ });
  const chapter = high.getByRole("listitem", { name: `Document: ${CHAPTER}` });
  await expect(chapter).toBeVisible();
  await expect(chapter).toContainText("creative");
  await expect(chapter).toContainText("PDDL-1.0 AND CC0-1.0");
  await expect(chapter.locator("mark").first()).toContainText("insular city of the Manhattoes");

  // Clicking the span filters the panel to its documents.
  const allDocs = await panel.getByRole("listitem").count();
  await span.click();
  await expect(span).toHaveAttribute("aria-pressed", "true");
  await expect(panel.getByRole("status")).toContainText("for the selected span");
  await expect(chapter).toBeVisible();
  const filtered = await panel.getByRole("listitem").count();
  expect(filtered).toBeLessThanOrEqual(allDocs);

  // Clear resets the filter.
  await page.getByRole("button", { name: "Clear selection" }).click();
  await expect(span).toHaveAttribute("aria-pressed", "false");
  await expect(panel.getByRole("status")).toHaveCount(0);
  await expect(panel.getByRole("listitem")).toHaveCount(allDocs);

  // "Locate" outlines the document's spans in the response; clicking elsewhere resets.
  await chapter.getByRole("button", { name: "Locate" }).click();
  await expect(page.locator("[data-located]").first()).toContainText("insular city");
  await page.getByRole("heading", { name: "Trace", level: 1 }).click();
  await expect(page.locator("[data-located]")).toHaveCount(0);

  // "View document" opens the longer context in a dialog (keyboard: Escape closes it).
  await chapter.getByRole("button", { name: "View document" }).click();
  const dialog = page.getByRole("dialog", { name: CHAPTER });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator("mark")).toContainText("insular city of the Manhattoes");
  await expect(dialog).toContainText("Loomings", { timeout: 10_000 });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // The share link opens the same trace in a new page.
  const link = await page.getByLabel("Share link").inputValue();
  expect(link).toMatch(/\/trace\/[a-z0-9]+$/);
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByRole("button", { name: /^Span: There now is your insular city/ })).toBeVisible();
  await expect(
    other.getByRole("region", { name: "Documents" }).getByRole("listitem", { name: `Document: ${CHAPTER}` }),
  ).toBeVisible();
  await other.close();
});

test("empty and too long input get clear messages", async ({ page, request }) => {
  await page.goto("/trace");
  await page.getByRole("button", { name: "Trace", exact: true }).click();
  const alert = page.getByRole("main").getByRole("alert");
  await expect(alert).toContainText("empty");

  await page.getByLabel("Model response").fill("a ".repeat(10_001));
  await page.getByRole("button", { name: "Trace", exact: true }).click();
  await expect(alert).toContainText("the limit is 20,000 characters");

  const tooLong = await request.post("/api/v1/trace", { data: { response: "a".repeat(20_001) } });
  expect(tooLong.status()).toBe(413);
  expect((await tooLong.json()).error).toContain("20,000 characters");
  const empty = await request.post("/api/v1/trace", { data: { response: "  " } });
  expect(empty.status()).toBe(400);
  const unknown = await request.post("/api/v1/trace", {
    data: { response: "hello there", domains: ["nope"] },
  });
  expect(unknown.status()).toBe(400);
  expect((await unknown.json()).error).toContain('There is no corpus domain "nope"; choose from');
  // Settings are named as the form names them, never by their internal field names.
  const density = await request.post("/api/v1/trace", { data: { response: "hello there", spanDensity: 5 } });
  expect(density.status()).toBe(400);
  expect((await density.json()).error).toBe(
    "Span density must be a number above 0 and at most 1 (for example 0.05).",
  );
  await page.getByLabel("Model response").fill("hello there");
  await page.getByText("Settings").click();
  await page.getByLabel("Span density").fill("0");
  await page.getByRole("button", { name: "Trace", exact: true }).click();
  await expect(alert).toContainText("Span density must be a number above 0 and at most 1");
});
