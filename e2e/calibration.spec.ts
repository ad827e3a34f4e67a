import { type Browser, expect, type Page, test } from "@playwright/test";
import { ADMIN, newEmail, seedE2e, shot, signIn, signUp } from "./helpers";

/**
 * Calibration: an admin marks a voted battle and publishes an imported SciArena-Eval dataset; another
 * researcher judges both in the arena's "Help calibrate" panel (no model names shown); the battle's own voter
 * re-judges it with the answers swapped; the agreement page counts every vote. Battles are seeded with the
 * test-only CLI (scripts/e2e-seed-votes.ts) under their own tag and models.
 */

const voter = newEmail("calib-voter");
const rater = newEmail("calib-rater");
const datasetName = `calibration set ${Date.now().toString(36)}`;
const QUESTION = "(calib seed 0)";

function seedVotes(email: string) {
  seedE2e("e2e-seed-votes.ts", ["--email", email, "--battles", "2", "--tag", "calib"]);
}

async function asUser(browser: Browser, email: string, password?: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  if (password) await signIn(page, email, password);
  else await signUp(page, email);
  return page;
}

/** Opens the calibration panel (or the next pair) and returns the panel. */
async function nextPair(page: Page, first: boolean) {
  const panel = page.getByRole("region", { name: "Help calibrate" });
  await panel
    .getByRole("button", { name: first ? "Help calibrate: judge a saved pair" : "Judge another pair" })
    .click();
  return panel;
}

test.describe.configure({ mode: "serial" });

test("an admin marks a battle and publishes a dataset; researchers judge them; the agreement page counts the votes", async ({
  browser,
}) => {
  const voterPage = await asUser(browser, voter);
  seedVotes(voter);

  // The admin marks the seeded battle (original vote: A) and publishes a one-pair dataset (label A).
  const admin = await asUser(browser, ADMIN.email, ADMIN.password);
  await admin.goto("/admin/judges");
  const adminMain = admin.getByRole("main");
  await adminMain.getByLabel("Dataset name").fill(datasetName);
  await adminMain.getByLabel(/SciArena-Eval file/).setInputFiles({
    name: "calibration.jsonl",
    mimeType: "application/x-ndjson",
    buffer: Buffer.from(
      `${JSON.stringify({
        id: "cal-1",
        question: "Which dataset question is this? (calib dataset)",
        responseA: "Dataset answer one [1].",
        responseB: "Dataset answer two.",
        modelA: "hidden-model-one",
        modelB: "hidden-model-two",
        vote: "A",
        citation_a: [{ concise_authors: "Robertson 1994", content: "BM25 ranks by idf." }],
        citation_b: [],
      })}\n`,
    ),
  });
  await adminMain.getByRole("button", { name: "Import" }).click();
  await expect(adminMain.getByRole("status").filter({ hasText: `Imported "${datasetName}"` })).toBeVisible();

  // Other specs vote on many battles: find this one by its question.
  await admin.goto("/admin/agreement");
  await adminMain.getByLabel("Find a battle by its question").fill(QUESTION);
  await adminMain.getByRole("button", { name: "Search", exact: true }).click();
  await expect(adminMain.getByRole("heading", { name: "Voted battles matching your search" })).toBeVisible();
  const battleRow = adminMain.getByRole("row").filter({ hasText: QUESTION });
  await battleRow.getByRole("button", { name: "Mark for calibration" }).click();
  await expect(battleRow.getByRole("button", { name: "Stop calibration" })).toBeVisible();
  const datasetRow = adminMain.getByRole("row").filter({ hasText: datasetName });
  await datasetRow.getByRole("button", { name: "Publish for calibration" }).click();
  await expect(datasetRow.getByRole("button", { name: "Withdraw from calibration" })).toBeVisible();

  // Another researcher judges every waiting pair (other specs may have marked battles too): the marked battle
  // as it was shown and the dataset pair with its citations, never with model names.
  const raterPage = await asUser(browser, rater);
  await raterPage.goto("/arena");
  let panel = await nextPair(raterPage, true);
  const seen = { battle: false, dataset: false };
  for (let i = 0; i < 6; i++) {
    if (i > 0) panel = await nextPair(raterPage, false);
    const answerA = panel.getByRole("article", { name: "Calibration answer A" });
    await expect(answerA.or(panel.getByText("No saved pairs are waiting"))).toBeVisible();
    if (await panel.getByText("No saved pairs are waiting").isVisible()) break;
    await expect(raterPage.getByRole("main")).not.toContainText(/e2e-calib-|hidden-model|e2e-left|e2e-right/);
    if ((await panel.getByText(QUESTION).count()) > 0) {
      seen.battle = true;
      await expect(answerA).toContainText("BM25 ranks documents");
      await shot(panel, "calibration-battle-pair-light", {});
      await panel.getByRole("button", { name: "A is better" }).click();
    } else if ((await panel.getByText("(calib dataset)").count()) > 0) {
      seen.dataset = true;
      await expect(answerA).toContainText("Robertson 1994");
      await raterPage.getByRole("button", { name: "Switch to dark theme" }).click();
      await raterPage.setViewportSize({ width: 390, height: 900 });
      await shot(panel, "calibration-dataset-pair-dark-narrow", {});
      await raterPage.getByRole("button", { name: "Switch to light theme" }).click();
      await raterPage.setViewportSize({ width: 1280, height: 720 });
      await panel.getByRole("button", { name: "A is better" }).click();
    } else {
      await panel.getByRole("button", { name: "Tie" }).click();
    }
    await expect(panel.getByRole("status")).toContainText("your rating was recorded");
  }
  expect(seen).toEqual({ battle: true, dataset: true });
  await expect(panel.getByRole("status")).toContainText("No saved pairs are waiting");

  // The battle's own voter: their own battle only with the answers swapped.
  await voterPage.goto("/arena");
  panel = await nextPair(voterPage, true);
  let sawOwn = false;
  for (let i = 0; i < 6; i++) {
    if (i > 0) panel = await nextPair(voterPage, false);
    const answerA = panel.getByRole("article", { name: "Calibration answer A" });
    await expect(answerA.or(panel.getByText("No saved pairs are waiting"))).toBeVisible();
    if (await panel.getByText("No saved pairs are waiting").isVisible()) break;
    if ((await panel.getByText(QUESTION).count()) > 0) {
      sawOwn = true;
      await expect(answerA).toContainText("Retrieval can be dense");
      // B as shown is A on the original sides: consistent with the original vote.
      await panel.getByRole("button", { name: "B is better" }).click();
    } else {
      await panel.getByRole("button", { name: "A is better" }).click();
    }
    await expect(panel.getByRole("status")).toContainText("your rating was recorded");
  }
  expect(sawOwn).toBe(true);

  // The agreement page counts the votes.
  await admin.reload();
  await expect(battleRow.getByRole("cell").nth(3)).toHaveText("a");
  // A handful of votes: each figure gives its n and says it is too few to read anything into.
  await expect(adminMain.getByTestId("cohens-kappa")).toContainText(
    /too few.* on \d+ pairs?; 10 needed|undefined on/,
  );
  await expect(adminMain.getByTestId("fleiss-kappa")).toContainText(
    /too few.* on \d+ items?; 10 needed|undefined on \d+ items?/,
  );
  await expect(datasetRow).toContainText("too few100% on 2 votes; 10 needed");
  const selfRow = adminMain.getByRole("row").filter({ hasText: voter });
  await expect(selfRow).toContainText("too few100% on 1 re-vote; 10 needed");
  await shot(admin, "calibration-agreement-page");
});
