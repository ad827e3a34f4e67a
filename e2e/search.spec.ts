import { type APIRequestContext, expect, test } from "@playwright/test";
import { shot } from "./helpers";

const INDEX = "flexmix-mini";
/** The opening of Moby-Dick, as it stands in the corpus (creative domain). */
const MOBY =
  "Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world.";
const MADE_UP =
  "Quantum marmalade negotiates with seventeen purple lighthouses about tax policy on Neptune every second Tuesday afternoon.";

test.describe("corpus search page", () => {
  test("counts a Moby-Dick phrase per domain and shows a highlighted example document", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Corpus search" })).toBeVisible();
    const main = page.getByRole("main");

    await main.getByLabel("Search string").fill("Call me Ishmael");
    await main.getByRole("button", { name: "Count" }).click();

    await expect(main.getByTestId("total-count")).not.toHaveText("0");
    const creative = main.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "creative" }) });
    await expect(creative.getByRole("cell").first()).toHaveText(/^[1-9][\d,]*$/);

    const doc = main.getByRole("article").first();
    await expect(doc.locator("mark").first()).toHaveText("Call me Ishmael");
    await expect(doc).toContainText("creative");
    await expect(doc).toContainText("Moby-Dick");
    await expect(doc).toContainText("Licence:");
    await expect(page).toHaveURL(/\?q=Call\+me\+Ishmael/);
    await shot(page, "search-results");

    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await shot(page, "search-results-dark");
  });

  test("the Trace page links to corpus search", async ({ page }) => {
    await page.goto("/trace");
    await page.getByRole("main").getByRole("link", { name: "Corpus search" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Corpus search" })).toBeVisible();
  });

  test("more documents appends further examples, and domain choice limits the count", async ({ page }) => {
    await page.goto("/search");
    const main = page.getByRole("main");
    await main.getByLabel("Search string").fill("whale");
    for (const d of ["public", "code", "docs", "email"]) {
      await main.getByRole("checkbox", { name: new RegExp(`^${d} \\(`) }).uncheck();
    }
    await main.getByRole("button", { name: "Count" }).click();
    await expect(main.getByRole("article")).toHaveCount(5);
    await expect(main.getByRole("rowheader")).toHaveText(["creative"]);
    await main.getByRole("button", { name: "More documents" }).click();
    await expect(main.getByRole("article")).toHaveCount(10);
    for (const article of await main.getByRole("article").all()) {
      await expect(article.locator("mark").first()).toHaveText("whale");
    }
    await page.setViewportSize({ width: 390, height: 800 });
    await shot(page, "search-narrow");
  });

  test("any string is a query: a leading dash, emoji and CJK", async ({ page }) => {
    await page.goto("/search");
    const main = page.getByRole("main");
    for (const q of ["--", "🐋", "白鯨"]) {
      await main.getByLabel("Search string").fill(q);
      await main.getByRole("button", { name: "Count" }).click();
      await expect(main.getByTestId("total-count")).toHaveText(/^\d[\d,]*$/);
      await expect(main.locator("q")).toHaveText(q);
    }
  });

  test("an empty or over-long query shows an inline error", async ({ page }) => {
    await page.goto("/search");
    const main = page.getByRole("main");
    const form = main.getByRole("region", { name: "Count a string" });
    await main.getByRole("button", { name: "Count" }).click();
    await expect(form.getByRole("alert")).toHaveText("Enter a string to search for.");
    await expect(main.getByLabel("Search string")).toHaveAttribute("aria-invalid", "true");
    await expect(main.getByLabel("Search string")).toHaveAccessibleDescription(
      /Enter a string to search for/,
    );
    await main.getByLabel("Search string").fill("é".repeat(600));
    await main.getByRole("button", { name: "Count" }).click();
    await expect(form.getByRole("alert")).toHaveText("The query is 1200 bytes; the limit is 1000 bytes.");
    await shot(page, "search-error");
  });

  test("the contamination form labels a copied corpus passage dirty and made-up text clean", async ({
    page,
  }) => {
    await page.goto("/search");
    const main = page.getByRole("main");
    await main
      .getByLabel("Benchmark entries")
      .fill(
        [JSON.stringify({ id: "moby", text: MOBY }), JSON.stringify({ id: "made-up", text: MADE_UP })].join(
          "\n",
        ),
      );
    await main.getByRole("button", { name: "Check contamination" }).click();
    const row = (id: string) =>
      main.getByRole("row").filter({ has: page.getByRole("rowheader", { name: id, exact: true }) });
    await expect(row("moby").getByTestId("contamination-label")).toHaveText("dirty");
    await expect(row("made-up").getByTestId("contamination-label")).toHaveText("clean");
    await expect(main.getByText("2 entries: 1 dirty, 0 suspicious, 1 clean")).toBeVisible();
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await shot(page, `contamination-${width}`);
    }
  });

  test("the contamination form reads an uploaded .jsonl file and names bad lines", async ({ page }) => {
    await page.goto("/search");
    const main = page.getByRole("main");
    await main.getByLabel("Or upload a .jsonl file").setInputFiles({
      name: "bench.jsonl",
      mimeType: "application/jsonl",
      buffer: Buffer.from(`${JSON.stringify({ id: "q1", text: MOBY })}\n{broken\n`),
    });
    await expect(main.getByLabel("Benchmark entries")).toHaveValue(/"id":"q1"/);
    await main.getByRole("button", { name: "Check contamination" }).click();
    const form = main.getByRole("region", { name: "Benchmark contamination" });
    await expect(form.getByRole("alert")).toContainText("line 2 not valid JSON");
    await main.getByLabel("Benchmark entries").fill(JSON.stringify({ id: "q1", text: MOBY }));
    await main.getByRole("button", { name: "Check contamination" }).click();
    await expect(main.getByTestId("contamination-label")).toHaveText("dirty");
  });
});

test.describe("infini-gram API", () => {
  const post = (request: APIRequestContext, data: unknown) => request.post("/api/infini-gram", { data });

  test("count, find, get_doc_by_rank and search_docs answer in infini-gram's shape", async ({ request }) => {
    const count = await post(request, { index: INDEX, query_type: "count", query: "Call me Ishmael" });
    expect(count.status()).toBe(200);
    const c = await count.json();
    expect(c.count).toBeGreaterThan(0);
    expect(c.approx).toBe(false);
    expect(c.count_by_domain.creative).toBeGreaterThan(0);
    expect(typeof c.latency).toBe("number");
    expect(c.token_ids).toHaveLength(Buffer.byteLength("Call me Ishmael"));

    const only = await (
      await post(request, {
        index: INDEX,
        query_type: "count",
        query: "Call me Ishmael",
        domains: ["creative"],
      })
    ).json();
    expect(only.count).toBe(c.count_by_domain.creative);

    const find = await (
      await post(request, { index: INDEX, query_type: "find", query: "Call me Ishmael" })
    ).json();
    expect(find.cnt).toBe(c.count);
    const segs = find.segment_by_shard as [number, number][];
    expect(segs).toHaveLength(find.shards.length);
    const s = segs.findIndex(([lo, hi]) => hi > lo);
    expect(s).toBeGreaterThanOrEqual(0);

    const doc = await post(request, {
      index: INDEX,
      query_type: "get_doc_by_rank",
      query: "Call me Ishmael",
      s,
      rank: segs[s][0],
      max_disp_len: 200,
    });
    expect(doc.status()).toBe(200);
    const d = await doc.json();
    expect(d.disp_len).toBeLessThanOrEqual(200);
    expect(d.spans.filter(([, m]: [string, string | null]) => m === "0").map(([t]: [string]) => t)).toContain(
      "Call me Ishmael",
    );
    expect(JSON.parse(d.metadata).domain).toBe("creative");
    expect(typeof d.latency).toBe("number");

    const search = await (
      await post(request, { index: INDEX, query_type: "search_docs", query: "whale", maxnum: 3 })
    ).json();
    expect(search.documents).toHaveLength(3);
    expect(search.message).toMatch(/occurrences found/);
  });

  test("bad requests get a 4xx with a JSON error", async ({ request }) => {
    const cases: [unknown, RegExp][] = [
      [{ index: INDEX, query_type: "ntd", query: "a" }, /Unknown query_type/],
      [{ index: INDEX, query_type: "count", query: "" }, /empty/],
      [{ index: INDEX, query_type: "count", query: "x".repeat(1001) }, /limit is 1000 bytes/],
      [{ index: INDEX, query_type: "count", query: 7 }, /query must be a string/],
      [{ index: "v4_rpj_llama_s4", query_type: "count", query: "a" }, /known: flexmix-mini/],
      [{ index: INDEX, query_type: "get_doc_by_rank", s: 99, rank: 0 }, /Unknown shard/],
      [{ index: INDEX, query_type: "get_doc_by_rank", s: 0, rank: 1e12 }, /out of range/],
      [{ index: INDEX, query_type: "get_doc_by_rank", s: "0", rank: 0 }, /s must be an integer/],
      [{ index: INDEX, query_type: "search_docs", query: "a", maxnum: 100 }, /maxnum/],
    ];
    for (const [body, message] of cases) {
      const res = await post(request, body);
      expect(res.status(), JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status(), JSON.stringify(body)).toBeLessThan(500);
      expect((await res.json()).error).toMatch(message);
    }
    const badJson = await request.post("/api/infini-gram", {
      headers: { "content-type": "application/json" },
      data: Buffer.from("{not json"),
    });
    expect(badJson.status()).toBe(400);
    expect((await badJson.json()).error).toMatch(/not valid JSON/);
  });

  test("the contamination API labels entries and refuses oversized requests", async ({ request }) => {
    const res = await request.post("/api/contamination", {
      data: { entries: [{ id: "moby", text: MOBY }, { text: MADE_UP }] },
    });
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.results.map((r: { id: string; label: string }) => [r.id, r.label])).toEqual([
      ["moby", "dirty"],
      ["2", "clean"],
    ]);
    expect(body.summary).toMatchObject({ entries: 2, dirty: 1, clean: 1 });

    const tooMany = await request.post("/api/contamination", {
      data: { entries: Array.from({ length: 201 }, () => ({ text: "a b c" })) },
    });
    expect(tooMany.status()).toBe(413);
    expect((await tooMany.json()).error).toMatch(/limit is 200/);
    const empty = await request.post("/api/contamination", { data: { entries: [] } });
    expect(empty.status()).toBe(400);
  });
});
