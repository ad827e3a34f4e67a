import { expect, test } from "@playwright/test";
import { ADMIN, newEmail, shot, signIn, signOut, signUp } from "./helpers";

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
    await row.getByRole("button", { name: "Ban", exact: true }).click();
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

test.describe("passwords", () => {
  test("a researcher changes their password on the account page; other sessions end", async ({
    page,
    browser,
  }) => {
    const email = newEmail("pw");
    await signUp(page, email, "first password 1");
    // A second browser signed in as the same researcher.
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, email, "first password 1");

    await page.getByLabel(`Account menu for ${email}`).click();
    await page.getByRole("link", { name: "Account and password" }).click();
    await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
    await expect(page.getByText(email).first()).toBeVisible();
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill("second password 2");
    await page.getByLabel("Repeat the new password").fill("second password 2");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("The current password is wrong").first()).toBeVisible();
    await page.getByLabel("Current password").fill("first password 1");
    await page.getByLabel("New password", { exact: true }).fill("second password 2");
    await page.getByLabel("Repeat the new password").fill("different password 3");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("The passwords differ")).toBeVisible();
    // Whole seconds separate the other session's issue time from the change (tokens carry seconds).
    await page.waitForTimeout(1100);
    await page.getByLabel("Current password").fill("first password 1");
    await page.getByLabel("New password", { exact: true }).fill("second password 2");
    await page.getByLabel("Repeat the new password").fill("second password 2");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed. Your other sessions are signed out.")).toBeVisible();
    await shot(page, "account-password");

    // This browser stays signed in; the other one is signed out on its next request.
    await page.reload();
    await expect(page.getByLabel(`Account menu for ${email}`)).toBeVisible();
    await otherPage.reload();
    await expect(otherPage.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
    await other.close();

    await signOut(page, email);
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("first password 1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText(/wrong email or password/i)).toBeVisible();
    await signIn(page, email, "second password 2");
  });

  test("'Sign out everywhere else' ends the other sessions and keeps this one", async ({ page, browser }) => {
    const email = newEmail("sessions");
    await signUp(page, email, "session password 1");
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, email, "session password 1");
    // Whole seconds separate the other session's issue time from the sign-out (tokens carry seconds).
    await page.waitForTimeout(1100);
    await page.goto("/account");
    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await expect(page.getByRole("status")).toHaveText(
      "Signed out everywhere else. This browser stays signed in.",
    );
    await shot(page, "account-sessions");
    await page.reload();
    await expect(page.getByLabel(`Account menu for ${email}`)).toBeVisible();
    await otherPage.reload();
    await expect(otherPage.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
    // Signing in again works as usual.
    await signIn(otherPage, email, "session password 1");
    await expect(otherPage.getByLabel(`Account menu for ${email}`)).toBeVisible();
    await other.close();
  });

  test("signing out revokes the session: a copy of its cookie taken before no longer signs anyone in", async ({
    page,
    browser,
  }) => {
    const email = newEmail("copied");
    await signUp(page, email, "copied password 1");
    const copied = await page.context().cookies();
    await signOut(page, email);
    // Another browser presenting the cookie as it was before the sign-out.
    const other = await browser.newContext();
    await other.addCookies(copied);
    const otherPage = await other.newPage();
    const res = await otherPage.goto("/account");
    expect(res?.status()).toBe(401);
    await expect(otherPage.getByRole("heading", { name: "Please sign in" })).toBeVisible();
    await other.close();
    // Signing in again gives a new session that works.
    await signIn(page, email, "copied password 1");
    expect((await page.goto("/account"))?.status()).toBe(200);
  });

  test("an admin's one-time reset link lets a researcher set a new password", async ({ page, browser }) => {
    const email = newEmail("reset");
    await signUp(page, email, "forgotten password 1");
    await signOut(page, email);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin");
    await page.getByRole("button", { name: `Password reset link for ${email}` }).click();
    const link = await page.getByTestId("reset-link").inputValue();
    expect(link).toMatch(/\/reset-password\/[A-Za-z0-9_-]{40,}$/);
    await shot(page, "admin-reset-link");

    const visitor = await browser.newContext();
    const p = await visitor.newPage();
    await p.goto(link);
    await expect(p.getByText(`New password for ${email}`)).toBeVisible();
    await p.getByLabel("New password", { exact: true }).fill("short");
    await p.getByLabel("Repeat the new password").fill("short");
    await p.getByRole("button", { name: "Set password" }).click();
    // The field's error (not its hint, which says the same): the action has answered and the form reset.
    await expect(p.locator("#password-error")).toHaveText(/at least 10 characters/i);
    await p.getByLabel("New password", { exact: true }).fill("remembered password 2");
    await p.getByLabel("Repeat the new password").fill("remembered password 2");
    await p.getByRole("button", { name: "Set password" }).click();
    await expect(p.getByText("Your password is set. Sign in with it now.")).toBeVisible();
    await p.getByRole("link", { name: "Sign in" }).last().click();
    await signIn(p, email, "remembered password 2");
    // The link worked once.
    await p.goto(link);
    await expect(p.getByText("This reset link is invalid or has expired.")).toBeVisible();
    await p.goto("/reset-password/not-a-real-token");
    await expect(p.getByText("This reset link is invalid or has expired.")).toBeVisible();
    await shot(p, "reset-invalid");
    await visitor.close();
  });
});
