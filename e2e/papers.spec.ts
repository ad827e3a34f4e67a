import path from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./helpers";

/** Admin > Models and literature: uploads go through the streaming importer, in each format. */
test.describe("paper import", () => {
  const arxivLine = (id: string, title: string, abstract: string, doi: string | null = null) =>
    JSON.stringify({
      id,
      title,
      authors: "A. Author, B. Author",
      authors_parsed: [
        ["Author", "A.", ""],
        ["Author", "B.", ""],
      ],
      abstract: `  ${abstract}\n`,
      categories: "q-bio.PE",
      versions: [{ version: "v1", created: "Mon, 1 Jan 2024 00:00:00 GMT" }],
      update_date: "2024-01-02",
      doi,
    });

  test("an admin imports an arXiv snapshot file, then a file with a bad line is refused by line", async ({
    page,
  }, testInfo) => {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin/models");
    const upload = async (name: string, body: string, format: string) => {
      await page.getByLabel("Papers file (JSON lines, or gzip)").setInputFiles({
        name,
        mimeType: "application/x-ndjson",
        buffer: Buffer.from(body),
      });
      await page.getByLabel("Format").selectOption(format);
      await page.getByRole("button", { name: "Import papers" }).click();
    };
    const file = [
      arxivLine(
        "2401.09001",
        "Tardigrade desiccation tolerance",
        "Tardigrades survive desiccation by vitrification.",
      ),
      arxivLine(
        "2401.09002",
        "Axolotl limb regeneration",
        "Axolotls regrow limbs from a blastema.",
        "10.5555/AXO.1",
      ),
    ].join("\n");
    await upload("snapshot.json", file, "arxiv");
    await expect(page.getByText(/Imported 2 papers: 2 new, 0 updated, 0 unchanged\./)).toBeVisible();
    // The same file again: recognised by arXiv id, nothing changes.
    await upload("snapshot.json", file, "arxiv");
    await expect(page.getByText(/Imported 2 papers: 0 new, 0 updated, 2 unchanged\./)).toBeVisible();
    // This app's format with a bad second line: nothing of it is imported, and the line is named.
    await upload(
      "mine.jsonl",
      `${JSON.stringify({ id: "ok", title: "T", authors: [], year: 2020, abstract: "A." })}\n{oops\n`,
      "jsonl",
    );
    await expect(page.getByRole("alert").filter({ hasText: "Nothing imported" })).toContainText(
      "Nothing imported: line 2: invalid JSON",
    );
    if (process.env.E2E_SCREENSHOTS) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({
          path: path.join(process.env.E2E_SCREENSHOTS, `admin-models-import-${width}.png`),
          fullPage: true,
        });
      }
    }
    testInfo.annotations.push({ type: "imported", description: "2 arXiv records" });
  });
});
