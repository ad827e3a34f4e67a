import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { chunkedPost } from "../lib/chunked-post";
import { ADMIN, newEmail, shot, signIn, signOut, signUp } from "./helpers";

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

  test("past THROTTLE_SIGNUP a sign-up gets a 429 with Retry-After, and the form says how long to wait", async ({
    page,
    request,
  }) => {
    // The e2e server allows 1000 sign-ups an hour per address and trusts one proxy hop: this test's own address.
    const address = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const headers = { "x-forwarded-for": address, "content-type": "application/json" };
    for (let sent = 0; sent < 1000; sent += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, () => request.post("/api/signup", { headers, data: { email: "" } })),
      );
      for (const r of batch) expect(r.status()).toBe(400);
    }
    const refused = await request.post("/api/signup", { headers, data: { email: "" } });
    expect(refused.status()).toBe(429);
    const wait = Number(refused.headers()["retry-after"]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(3600);
    expect((await refused.json()).error).toMatch(/^Too many sign-ups from this address: .*Try again in/);
    // The page from the same address: the form shows the message; the answer is the same 429.
    await page.setExtraHTTPHeaders({ "x-forwarded-for": address });
    await page.goto("/signup");
    await page.getByLabel("Email").fill(newEmail("throttled"));
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await page.getByLabel("Repeat password").fill("correct horse battery");
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/signup"));
    await page.getByRole("button", { name: "Create account" }).click();
    expect((await answer).status()).toBe(429);
    await expect(page.getByRole("main").getByRole("alert")).toContainText(
      "Too many sign-ups from this address",
    );
    await expect(page.getByRole("button", { name: "Create account" })).toBeEnabled();
    await shot(page, "signup-throttled-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "signup-throttled-390");
    // Another address still signs up.
    await page.setExtraHTTPHeaders({});
    await signUp(page, newEmail("unthrottled"));
  });

  test("a server action sent chunked is served under its 1 MB limit; past it, a 413 naming the limit", async ({
    page,
  }) => {
    await signUp(page, newEmail("chunked"));
    await page.goto("/account");
    // The browser's own request for "Sign out everywhere else" (harmless: this is the only session).
    const [answered] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined,
      ),
      page.getByRole("button", { name: "Sign out everywhere else" }).click(),
    ]);
    expect(answered.status()).toBe(200);
    const sent = answered.request();
    const headers = await sent.allHeaders();
    const body = sent.postDataBuffer() ?? Buffer.alloc(0);
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const replay: Record<string, string> = { cookie };
    for (const [k, v] of Object.entries(headers))
      if (!k.startsWith(":") && !["content-length", "cookie", "accept-encoding"].includes(k)) replay[k] = v;
    const url = new URL(sent.url());
    // The same action, its body in two chunks without a Content-Length: served like the browser's.
    const served = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(url, {
        method: "POST",
        headers: { ...replay, "transfer-encoding": "chunked" },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.write(body.subarray(0, body.length >> 1));
      setTimeout(() => req.end(body.subarray(body.length >> 1)), 50);
    });
    expect(served.status).toBe(200);
    expect(served.text).toContain("Signed out everywhere else.");
    // The same action with a 100 MB chunked body: a 413 naming the limit, the server stops reading early.
    const over = await chunkedPost(url, 100 * 1024 * 1024, { ...replay, "content-type": "text/plain" });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toEqual({
      error: "The request body is over this endpoint's limit of 1 MB.",
      limitBytes: 1024 * 1024,
    });
    expect(over.sent).toBeLessThan(32 * 1024 * 1024);
    // The server carries on (the replayed action ended this browser's session: it got no new cookie).
    expect((await page.request.get("/api/health/live")).status()).toBe(200);
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
