import { expect, type Page, test } from "@playwright/test";
import { ADMIN, newEmail, shot, signIn, signUp } from "./helpers";

/** Generates with the form's current settings and waits for the end of the stream. */
async function generate(page: Page): Promise<string> {
  const main = page.getByRole("main");
  await main.getByRole("button", { name: "Generate" }).click();
  await expect(main.getByRole("status").filter({ hasText: /^Done:/ })).toBeVisible({ timeout: 30_000 });
  return (await main.getByTestId("generated-output").locator("span[data-expert]").allTextContents()).join("");
}

test.describe("playground", () => {
  test("a signed-in user streams tokens; switching off the expert that weighed most changes the output", async ({
    page,
  }) => {
    await signUp(page, newEmail("play"));
    await page.goto("/playground");
    const main = page.getByRole("main");
    await expect(main.getByRole("heading", { name: "Playground" })).toBeVisible();

    const publicToggle = main.getByRole("checkbox", { name: /public/ });
    await expect(publicToggle).toBeChecked();
    await expect(publicToggle).toBeDisabled();
    await expect(main.getByText("(always on)")).toBeVisible();

    await main.getByLabel("Prompt").fill("Dear ");
    await main.getByLabel("Seed").fill("3");
    await main.getByLabel("Max tokens").fill("60");
    await main.getByLabel("Temperature").fill("0.9");

    // The stream arrives as NDJSON, one piece of text per line, each with its routing.
    const streamed = page.waitForResponse((r) => r.url().endsWith("/api/playground/generate"));
    const first = await generate(page);
    const body = await (await streamed).text();
    const lines = body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.at(-1).type).toBe("done");
    expect(lines[0].routing.length).toBeGreaterThan(0);

    const tokens = main.getByTestId("generated-output").locator("span[data-expert]");
    expect(await tokens.count()).toBeGreaterThan(10);
    expect(first.length).toBeGreaterThan(0);
    await shot(page, "playground");

    // Hovering a token shows its routing weights.
    await tokens.first().hover();
    await expect(
      main.getByRole("list", { name: "Routing weights" }).getByRole("listitem").first(),
    ).toBeVisible();

    // Same seed again: the same output.
    expect(await generate(page)).toBe(first);

    // Switch off the closed expert that weighed most on the most tokens.
    const closed = ["creative", "code", "docs", "email"];
    const counts = await Promise.all(
      closed.map(async (id) =>
        Number.parseInt((await main.getByTestId(`top-count-${id}`).textContent()) ?? "0", 10),
      ),
    );
    const top = closed[counts.indexOf(Math.max(...counts))] as string;
    expect(Math.max(...counts)).toBeGreaterThan(0);
    await main.getByRole("checkbox", { name: top, exact: true }).uncheck();
    const second = await generate(page);
    expect(second).not.toBe(first);
    await expect(main.getByTestId(`top-count-${top}`)).toHaveText("0 tokens");

    // "Trace this output" traces the text limited to the domains of the enabled experts.
    const traced = page.waitForRequest((r) => r.url().endsWith("/api/v1/trace") && r.method() === "POST");
    await main.getByRole("button", { name: "Trace this output" }).click();
    const sent = (await traced).postDataJSON() as { response: string; domains: string[] };
    expect(sent.response).toBe(second);
    expect(sent.domains).toContain("public");
    expect(sent.domains).not.toContain(top);
    await expect(page).toHaveURL(/\/trace(\/|$)/);
    await page.goBack();
    await expect(main.getByRole("heading", { name: "Playground" })).toBeVisible();

    // Every closed expert off: the view says the public expert stays on.
    for (const id of closed) await main.getByRole("checkbox", { name: id, exact: true }).uncheck();
    await expect(main.getByRole("note")).toContainText("public expert is always on");
  });

  test("the Stop button ends a generation", async ({ page }) => {
    await signUp(page, newEmail("stop"));
    await page.goto("/playground");
    const main = page.getByRole("main");
    await main.getByLabel("Max tokens").fill("4000");
    await main.getByRole("button", { name: "Generate" }).click();
    await expect(main.getByTestId("generated-output").locator("span[data-expert]").first()).toBeVisible();
    await main.getByRole("button", { name: "Stop" }).click();
    await expect(main.getByRole("status").filter({ hasText: /^Stopped after/ })).toBeVisible();
    await expect(main.getByRole("button", { name: "Generate" })).toBeEnabled();
  });

  test("an over-long prompt is refused with a message", async ({ page }) => {
    await signUp(page, newEmail("long"));
    await page.goto("/playground");
    const main = page.getByRole("main");
    await main.getByLabel("Prompt").fill("x".repeat(5000));
    await main.getByRole("button", { name: "Generate" }).click();
    await expect(main.getByRole("alert")).toContainText("The prompt is too long");
  });

  test("signed-out visitors are asked to sign in", async ({ page }) => {
    const res = await page.goto("/playground");
    expect(res?.status()).toBe(401);
  });
});

test.describe("experts page", () => {
  test("lists every expert with its data, and the evaluation or how to run it", async ({ page }) => {
    await page.goto("/experts");
    const main = page.getByRole("main");
    await expect(main.getByRole("heading", { name: "Experts", level: 1 })).toBeVisible();
    const registry = main.getByRole("table").first();
    for (const domain of ["public", "creative", "code", "docs", "email"]) {
      await expect(registry.getByRole("rowheader", { name: new RegExp(`^${domain}`) })).toBeVisible();
    }
    await expect(
      main
        .getByText("The evaluation has not been run yet.")
        .or(main.getByRole("img", { name: /bits per byte/ })),
    ).toBeVisible();
    if (await main.getByRole("img", { name: /bits per byte/ }).isVisible()) {
      // The evaluation's router diagnosis: routing shares per domain, and the router rows' cosine matrix,
      // whose diagonal (an expert's row with itself) reads 1.00.
      await expect(main.getByRole("table", { name: /^Routing with every expert on/ })).toBeVisible();
      const cosine = main.getByRole("table", { name: /^Router rows alike/ });
      const experts = await cosine.getByRole("columnheader").allTextContents();
      for (const [i, expert] of experts.slice(1).entries()) {
        const row = cosine.getByRole("row").filter({ has: page.getByRole("rowheader", { name: expert }) });
        await expect(row.getByRole("cell").nth(i)).toHaveText("1.00");
      }
    }
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await shot(page, `experts-${width}`);
    }
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Experts" }),
    ).toBeVisible();
  });
});

test.describe("OpenAI-compatible API", () => {
  test("keys, models, completions, streaming and errors", async ({ page, request }) => {
    const messages = [{ role: "user", content: "Hello" }];

    const anonymous = await request.post("/v1/chat/completions", {
      data: { model: "flexolmo-all", messages },
    });
    expect(anonymous.status()).toBe(401);
    expect((await anonymous.json()).error).toMatchObject({ type: "authentication_error" });

    const badKey = await request.get("/v1/models", {
      headers: { authorization: "Bearer lmr_not-a-real-key" },
    });
    // As OpenAI's API answers an incorrect key: 401, code invalid_api_key.
    expect(badKey.status()).toBe(401);
    expect((await badKey.json()).error).toMatchObject({
      code: "invalid_api_key",
      message: expect.any(String),
    });

    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin");
    await page.getByLabel("Key name").fill("playground e2e");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent()) ?? "";
    expect(key).toMatch(/^lmr_/);
    const headers = { authorization: `Bearer ${key}` };

    const models = await request.get("/v1/models", { headers });
    expect(models.status()).toBe(200);
    const list = await models.json();
    expect(list.object).toBe("list");
    const ids = list.data.map((m: { id: string }) => m.id);
    for (const id of [
      "flexolmo-all",
      "flexolmo-public",
      "flexolmo-code",
      "flexolmo-no-code",
      "flexolmo-no-email",
    ]) {
      expect(ids).toContain(id);
    }
    expect(list.data.find((m: { id: string }) => m.id === "flexolmo-no-code").experts).not.toContain("code");

    const done = await request.post("/v1/chat/completions", {
      headers,
      data: { model: "flexolmo-no-email", messages, max_tokens: 20, seed: 1 },
    });
    expect(done.status()).toBe(200);
    const completion = await done.json();
    expect(completion.object).toBe("chat.completion");
    expect(typeof completion.choices[0].message.content).toBe("string");
    expect(completion.usage.completion_tokens).toBeGreaterThan(0);
    expect(completion.experts).not.toContain("email");

    const stream = await request.post("/v1/chat/completions", {
      headers,
      data: { model: "flexolmo-all", messages, max_tokens: 20, stream: true, experts: ["code"] },
    });
    expect(stream.status()).toBe(200);
    expect(stream.headers()["content-type"]).toContain("text/event-stream");
    const events = (await stream.text()).trim().split("\n\n");
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunk = JSON.parse((events[1] ?? "").slice("data: ".length));
    expect(chunk.object).toBe("chat.completion.chunk");
    expect(chunk.choices[0].routing.length).toBeGreaterThan(0);
    for (const w of chunk.choices[0].routing) expect(["public", "code"]).toContain(w.id);

    // The app's signed-in users may call the API without a key.
    expect((await page.request.get("/v1/models")).status()).toBe(200);

    const tooLong = await request.post("/v1/chat/completions", {
      headers,
      data: { model: "flexolmo-all", messages: [{ role: "user", content: "x".repeat(5000) }] },
    });
    expect(tooLong.status()).toBe(400);
    expect((await tooLong.json()).error).toMatchObject({
      code: "context_length_exceeded",
      message: expect.stringContaining("too long"),
    });

    const unknownModel = await request.post("/v1/chat/completions", {
      headers,
      data: { model: "gpt-4", messages },
    });
    expect(unknownModel.status()).toBe(404);
    expect((await unknownModel.json()).error.code).toBe("model_not_found");

    const unknownExpert = await request.post("/v1/chat/completions", {
      headers,
      data: { model: "flexolmo-all", messages, experts: ["legal"] },
    });
    expect(unknownExpert.status()).toBe(400);
    expect((await unknownExpert.json()).error.code).toBe("unknown_expert");

    const badParam = await request.post("/v1/chat/completions", {
      headers,
      data: { model: "flexolmo-all", messages, top_p: 5 },
    });
    expect(badParam.status()).toBe(400);
    expect((await badParam.json()).error.param).toBe("top_p");
  });
});
