import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, type Locator, type Page, test } from "@playwright/test";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

/**
 * The data folder of the server this spec runs against (each Playwright project has its own server and
 * folder, playwright.config.ts). Call it inside a test or hook.
 */
export function e2eDataDir(): string {
  return path.resolve(String(test.info().project.metadata.dataDir));
}

/** Runs a test-only seeding script (scripts/e2e-seed-*.ts) on this spec's server's database. */
export function seedE2e(script: string, args: string[] = []): void {
  execFileSync(path.join("node_modules", ".bin", "tsx"), [`scripts/${script}`, ...args], {
    env: { ...process.env, DATA_DIR: e2eDataDir(), DATABASE_URL: "" },
    stdio: "pipe",
  });
}

let counter = 0;
/** A fresh, unique researcher email per call, so specs never depend on each other's accounts. */
export function newEmail(tag = "r"): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${counter}@e2e.test`;
}

export async function signUp(page: Page, email: string, password = "correct horse battery") {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel(`Account menu for ${email}`)).toBeVisible();
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel(`Account menu for ${email}`)).toBeVisible();
}

export async function signOut(page: Page, email: string) {
  const button = page.getByRole("button", { name: "Sign out", exact: true });
  if (!(await button.isVisible())) await page.getByLabel(`Account menu for ${email}`).click();
  await button.click();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Arena" }),
  ).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
}

/**
 * Saves a screenshot for people to look at, only when E2E_SCREENSHOTS names a folder
 * (`E2E_SCREENSHOTS=/tmp/shots npx playwright test`); ordinary runs write none (failures are kept by
 * Playwright's own `screenshot: "only-on-failure"`).
 */
export async function shot(
  target: Page | Locator,
  name: string,
  options: { fullPage?: boolean } = { fullPage: true },
): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  const file = path.join(dir, `${name}.png`);
  if ("goto" in target) await target.screenshot({ path: file, fullPage: options.fullPage });
  else await target.screenshot({ path: file });
}
