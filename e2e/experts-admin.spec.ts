import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { writePronunciationJsonl } from "../engine/moe/test-helpers";
import { ADMIN, e2eDataDir, newEmail, shot, signIn, signUp } from "./helpers";

/**
 * A data owner's expert through the app: trained (2 steps) and installed with the CLI into the e2e
 * server's copy of the model (scripts/e2e-server.sh), picked up without a restart by the Experts
 * page, the playground and the admin page; removed by an admin with confirmation.
 */
const NAME = "lexicon";
let work = "";
/** The server's copy of the model (its data folder's model/, scripts/e2e-server.sh). */
const modelDir = () => path.join(e2eDataDir(), "model");

function moe(...args: string[]): string {
  return execFileSync("npx", ["tsx", "engine/moe/cli.ts", ...args], { encoding: "utf8" });
}

test.describe("a data owner's expert", () => {
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    work = mkdtempSync(path.join(tmpdir(), "e2e-expert-"));
    writePronunciationJsonl(path.join(work, "owner.jsonl"), 12, 30);
    const pkg = path.join(work, `${NAME}.expert`);
    moe(
      "expert",
      "train",
      "--name",
      NAME,
      "--data",
      path.join(work, "owner.jsonl"),
      "--model",
      modelDir(),
      "--out",
      pkg,
      "--steps",
      "2",
      "--contributor",
      "Pat Owner, Example Lexicography Ltd",
      "--licence",
      "BSD-2-Clause",
      "--statement",
      "Pronunciations of English words, one per line",
    );
    expect(moe("expert", "install", pkg, "--model", modelDir())).toContain(`installed "${NAME}"`);
  });

  test.afterAll(() => {
    // Leave the model as the other specs expect it, even when a test failed half-way.
    try {
      moe("expert", "remove", NAME, "--model", modelDir());
    } catch {
      // already removed by the test
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("appears on the Experts page and as a playground toggle without a restart", async ({ page }) => {
    await page.goto("/experts");
    const registry = page.getByRole("main").getByRole("table").first();
    await expect(registry.getByRole("rowheader", { name: new RegExp(`^${NAME}`) })).toBeVisible();
    await expect(registry).toContainText("Pat Owner, Example Lexicography Ltd");

    await signUp(page, newEmail("owner"));
    await page.goto("/playground");
    const toggle = page.getByRole("main").getByRole("checkbox", { name: NAME, exact: true });
    await expect(toggle).toBeVisible();
    await expect(toggle).toBeChecked();

    // The OpenAI-compatible API names it at once: with it (public + it) and without it (all others).
    const models = await page.request.get("/v1/models");
    expect(models.status()).toBe(200);
    const list = (await models.json()).data as { id: string; experts: string[] }[];
    expect(list.find((m) => m.id === `flexolmo-${NAME}`)?.experts).toEqual(["public", NAME]);
    const without = list.find((m) => m.id === `flexolmo-no-${NAME}`);
    expect(without?.experts).toContain("code");
    expect(without?.experts).not.toContain(NAME);
    expect(list.find((m) => m.id === "flexolmo-all")?.experts).toContain(NAME);
    const done = await page.request.post("/v1/chat/completions", {
      data: {
        model: `flexolmo-${NAME}`,
        messages: [{ role: "user", content: "ABACUS" }],
        max_tokens: 8,
        seed: 1,
      },
    });
    expect(done.status()).toBe(200);
    const completion = await done.json();
    expect(completion.model).toBe(`flexolmo-${NAME}`);
    expect(completion.experts).toEqual(["public", NAME]);
  });

  test("the admin page shows who contributed it and its data; removal needs confirmation", async ({
    page,
  }) => {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin/experts");
    const main = page.getByRole("main");
    await expect(main.getByRole("heading", { name: "Installed experts" })).toBeVisible();
    const card = main
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: new RegExp(`^${NAME}`) }) });
    await expect(card).toContainText("Pat Owner, Example Lexicography Ltd");
    await expect(card).toContainText("Licence BSD-2-Clause");
    await expect(card).toContainText("Pronunciations of English words");
    await expect(card).toContainText("bits/byte");
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, "admin-experts-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "admin-experts-390");
    await page.setViewportSize({ width: 1280, height: 900 });

    await card.getByRole("button", { name: `Remove ${NAME}…` }).click();
    const confirm = card.getByRole("form", { name: `Confirm removal of ${NAME}` });
    await confirm.getByLabel(`Type ${NAME} to confirm`).fill("lexicom");
    await confirm.getByRole("button", { name: `Remove ${NAME}` }).click();
    await expect(confirm.getByRole("alert")).toContainText("Type the expert's name exactly");
    await expect(card).toBeVisible();

    await confirm.getByLabel(`Type ${NAME} to confirm`).fill(NAME);
    await confirm.getByRole("button", { name: `Remove ${NAME}` }).click();
    await expect(main.getByRole("status").filter({ hasText: `Removed ${NAME}.` })).toBeVisible();

    await page.goto("/playground");
    await expect(page.getByRole("main").getByRole("checkbox", { name: "code", exact: true })).toBeVisible();
    await expect(page.getByRole("main").getByRole("checkbox", { name: NAME, exact: true })).toHaveCount(0);
    await page.goto("/admin/experts");
    await expect(main.getByRole("heading", { name: new RegExp(`^${NAME}`) })).toHaveCount(0);
    const ids = ((await (await page.request.get("/v1/models")).json()).data as { id: string }[]).map(
      (m) => m.id,
    );
    expect(ids).toContain("flexolmo-no-code");
    expect(ids).not.toContain(`flexolmo-${NAME}`);
    expect(ids).not.toContain(`flexolmo-no-${NAME}`);
  });
});
