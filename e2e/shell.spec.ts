import { expect, test } from "@playwright/test";

test("the start page links to every feature", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Arena", "Leaderboard", "Trace", "Playground"]) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
});

test("unknown routes get a 404 page", async ({ page }) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("the theme toggle switches between light and dark and is remembered", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
});

test("the health endpoint reports the database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.database.status).toBe("ok");
  expect(["ok", "absent", "error"]).toContain(body.index.status);
  expect(["ok", "absent", "error"]).toContain(body.model.status);
});

test("on a narrow screen the navigation folds into a menu", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto("/");
  await expect(page.getByRole("navigation", { name: "Main", exact: true })).toBeHidden();
  await page.getByLabel("Open navigation").click();
  await expect(
    page.getByRole("navigation", { name: "Main (mobile)" }).getByRole("link", { name: "Trace" }),
  ).toBeVisible();
});
