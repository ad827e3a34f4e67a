import { expect, test } from "@playwright/test";
import { ADMIN, newEmail, signIn, signOut, signUp } from "./helpers";

test.describe("accounts", () => {
  test("sign up, sign out, sign in again", async ({ page }) => {
    const email = newEmail();
    await signUp(page, email);
    await page.getByLabel(`Account menu for ${email}`).click();
    await expect(page.getByTestId("role")).toHaveText("researcher");
    await signOut(page, email);
    await signIn(page, email, "correct horse battery");
  });

  test("a wrong password is refused with a message", async ({ page }) => {
    const email = newEmail();
    await signUp(page, email);
    await signOut(page, email);
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign up" })).toBeVisible();
  });

  test("bad sign-up input gets inline messages and creates nothing", async ({ page }) => {
    await page.goto("/signup");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByLabel("Repeat password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Enter a valid email address, like name@example.org")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");

    await page.getByLabel("Email").fill(newEmail());
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Use at least 10 characters")).toBeVisible();

    await page.getByLabel("Name (optional)").fill("x".repeat(95));
    await page.getByLabel("Password", { exact: true }).fill("long enough password");
    await page.getByLabel("Repeat password").fill("long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("A name has at most 80 characters")).toBeVisible();
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  });

  test("a duplicate email is refused and the first account keeps its password", async ({ page }) => {
    const email = newEmail();
    await signUp(page, email, "first password 123");
    await signOut(page, email);
    await page.goto("/signup");
    await page.getByLabel("Email").fill(email.toUpperCase());
    await page.getByLabel("Password", { exact: true }).fill("second password 456");
    await page.getByLabel("Repeat password").fill("second password 456");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("An account with this email already exists. Sign in instead?")).toBeVisible();
    await signIn(page, email, "first password 123");
  });
});

test.describe("roles", () => {
  test("signed-out visitors get the sign-in page on admin pages", async ({ page }) => {
    const res = await page.goto("/admin");
    expect(res?.status()).toBe(401);
    await expect(page.getByRole("heading", { name: "Please sign in" })).toBeVisible();
  });

  test("a researcher is refused on admin pages with a 403 page and sees no Admin link", async ({ page }) => {
    const email = newEmail();
    await signUp(page, email);
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }),
    ).toHaveCount(0);
    const res = await page.goto("/admin");
    expect(res?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  });

  test("an admin reaches the admin page, and a banned researcher can no longer sign in", async ({
    page,
    browser,
  }) => {
    const email = newEmail("banned");
    const other = await browser.newPage();
    await signUp(other, email);

    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await expect(page.getByRole("heading", { name: "Admin", exact: true })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: email });
    await row.getByRole("button", { name: "Ban" }).click();
    await expect(row.getByText("banned", { exact: true })).toBeVisible();

    // The banned user's open session stops working at once.
    await other.goto("/");
    await expect(other.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
    await other.goto("/signin");
    await other.getByLabel("Email").fill(email);
    await other.getByLabel("Password").fill("correct horse battery");
    await other.getByRole("button", { name: "Sign in" }).click();
    await expect(other.getByRole("main").getByRole("alert")).toHaveText("This account has been suspended.");
    await other.close();
  });

  test("an admin creates an API key that is shown once", async ({ page }) => {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin");
    await page.getByLabel("Key name").fill("e2e script");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("new-api-key")).toHaveText(/^lmr_[A-Za-z0-9_-]{20,}$/);
    await page.reload();
    await expect(page.getByTestId("new-api-key")).toHaveCount(0);
    await expect(page.getByText("e2e script")).toBeVisible();
  });
});
