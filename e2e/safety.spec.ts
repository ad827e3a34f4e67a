import { expect, test } from "@playwright/test";
import { ADMIN, newEmail, signIn, signOut, signUp } from "./helpers";

test.describe("safety on the open internet", () => {
  test("five wrong passwords lock the account: the sixth attempt, even the right password, gets a 429 with a wait", async ({
    page,
  }) => {
    // The server runs the default THROTTLE_SIGNIN_ACCOUNT (5/15m) and THROTTLE_LOCKOUT (1m).
    const email = newEmail("locked");
    await signUp(page, email);
    await signOut(page, email);
    await page.goto("/signin");
    const alert = page.getByRole("main").getByRole("alert");
    for (let i = 0; i < 5; i++) {
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(`wrong password ${i}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(alert).toHaveText("Wrong email or password.");
      await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
    }
    await page.getByLabel("Password").fill("correct horse battery");
    const answer = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
    await page.getByRole("button", { name: "Sign in" }).click();
    const res = await answer;
    expect(res.status()).toBe(429);
    await expect(alert).toContainText("Too many failed sign-ins for this account");
    await expect(alert).toContainText("Locked for");
    // What a script on the page sees of the same answer: the 429 and its Retry-After.
    const seen = await page.evaluate(async (address) => {
      const { csrfToken } = await (await fetch("/api/auth/csrf")).json();
      const r = await fetch("/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          csrfToken,
          email: address,
          password: "correct horse battery",
          json: "true",
        }),
      });
      return { status: r.status, retryAfter: Number(r.headers.get("retry-after")) };
    }, email);
    expect(seen.status).toBe(429);
    expect(seen.retryAfter).toBeGreaterThan(0);
    expect(seen.retryAfter).toBeLessThanOrEqual(60);
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  });

  test("an over-limit body gets a 413 naming the limit, and the connection is closed", async ({
    request,
  }) => {
    const res = await request.post("/api/infini-gram", {
      headers: { "content-type": "application/json" },
      data: Buffer.from(JSON.stringify({ query_type: "count", query: "x".repeat(70_000) })),
    });
    expect(res.status()).toBe(413);
    expect(await res.json()).toEqual({
      error: "The request body is over this endpoint's limit of 64,000 bytes.",
      limitBytes: 64000,
    });
    expect(res.headers().connection).toBe("close");
  });

  test("after sign-in, a callbackUrl off the site goes to the home page", async ({ page }) => {
    await signIn(page, ADMIN.email, ADMIN.password);
    for (const cb of [
      "/%5Cevil.example",
      "//evil.example",
      "https://evil.example/x",
      "/%5C%5Cevil.example",
    ]) {
      const res = await page.request.get(`/signin?callbackUrl=${cb}`, { maxRedirects: 0 });
      expect(res.status(), cb).toBe(307);
      expect(res.headers().location, cb).toBe("/");
    }
    await page.goto("/signin?callbackUrl=/leaderboard");
    await expect(page).toHaveURL(/\/leaderboard$/);
  });

  test("a cookie-authenticated write from another site is refused; the same write from the app's pages is not", async ({
    page,
  }) => {
    const email = newEmail("csrf");
    await signUp(page, email);
    const evil = await page.request.post("/api/arena/battles", {
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      data: { question: "What is a suffix array?" },
    });
    expect(evil.status()).toBe(403);
    expect((await evil.json()).error).toMatch(/Cross-site request refused/);
    const vote = await page.request.post("/api/arena/battles/some-battle/vote", {
      headers: { origin: "https://evil.example" },
      data: { choice: "a" },
    });
    expect(vote.status()).toBe(403);
    const own = await page.request.post("/api/arena/battles/no-such-battle/vote", {
      headers: { origin: new URL(page.url()).origin },
      data: { choice: "a" },
    });
    expect(own.status()).toBe(404);
  });

  test("every page is served with a nonce CSP, frame-ancestors 'none', and runs without a CSP violation", async ({
    page,
  }) => {
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, ADMIN.email, ADMIN.password);
    for (const path of [
      "/",
      "/arena",
      "/leaderboard",
      "/search",
      "/trace",
      "/playground",
      "/experts",
      "/account",
      "/admin",
      "/admin/models",
      "/admin/export",
      "/admin/judges",
      "/admin/agreement",
      "/admin/voters",
      "/no-such-page",
    ]) {
      const res = await page.goto(path);
      const csp = res?.headers()["content-security-policy"] ?? "";
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
      expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res?.headers()["x-content-type-options"], path).toBe("nosniff");
      // Hydrated: the client-side nav responds (the theme toggle is a client component).
      await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    }
    expect(violations).toEqual([]);
    // The nonce changes per request.
    const a = (await page.request.get("/")).headers()["content-security-policy"];
    const b = (await page.request.get("/")).headers()["content-security-policy"];
    expect(a).not.toBe(b);
  });

  test("the theme script runs under the CSP (a saved dark theme applies before paint); an injected inline handler does not", async ({
    page,
  }) => {
    await page.goto("/");
    await page.evaluate(() => localStorage.setItem("theme", "dark"));
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/dark/);
    // The classic injection: markup with an inline event handler, as a stored XSS would add it.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injected?: boolean };
      w.injected = false;
      const div = document.createElement("div");
      div.innerHTML = '<img src="/no-such-image.png" onerror="window.injected = true">';
      document.body.append(div);
      await new Promise((r) => setTimeout(r, 500));
      return w.injected;
    });
    expect(ran).toBe(false);
    await page.evaluate(() => localStorage.removeItem("theme"));
  });
});
