import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { ADMIN, seedE2e, shot, signIn } from "./helpers";

/**
 * Every page of the app fits a 390 px phone and a 1280 px laptop without horizontal scrolling: signed
 * out, and signed in as an admin (who sees every researcher page too). The list of pages is read from
 * app/ (each page.tsx), so a new page without a URL here fails this spec.
 */

const WIDTHS = [390, 1280] as const;

/** Page files under app/, as route patterns ("/trace/[id]"). */
function pageRoutes(dir = "app", prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name === "api" || name.startsWith("_")) continue;
      out.push(...pageRoutes(full, `${prefix}/${name}`));
    } else if (name === "page.tsx") out.push(prefix || "/");
  }
  return out.sort();
}

/** Pages a signed-out visitor can open (the rest redirect to sign-in or say they need it). */
const PUBLIC = ["/", "/arena", "/leaderboard", "/search", "/trace", "/trace/[id]", "/experts", "/playground"];

let traceId = "";

test.beforeAll(async ({ request }) => {
  // A leaderboard as wide as a real one, and a stored trace with spans and documents.
  seedE2e("e2e-seed-board.ts");
  const res = await request.post("/api/v1/trace", {
    data: {
      response:
        "Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse, I thought I would sail about a little and see the watery part of the world. Then I wrote a long line: " +
        "a".repeat(300),
    },
  });
  expect(res.ok()).toBe(true);
  traceId = (await res.json()).id;
});

function url(route: string): string {
  if (route === "/trace/[id]") return `/trace/${traceId}`;
  if (route === "/reset-password/[token]") return "/reset-password/not-a-real-token";
  if (route.includes("[")) throw new Error(`no URL for the page ${route}: add one to e2e/layout.spec.ts`);
  return route;
}

/** How far the page scrolls sideways (0 when it fits). */
async function overflow(page: Page): Promise<{ extra: number; culprit: string }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const extra = root.scrollWidth - root.clientWidth;
    let culprit = "";
    if (extra > 0) {
      // Name the element that reaches farthest right, to say what to fix.
      let worst = 0;
      for (const el of Array.from(document.body.querySelectorAll("*"))) {
        const r = el.getBoundingClientRect();
        if (r.right > root.clientWidth + 1 && r.right > worst) {
          worst = r.right;
          culprit = `${el.tagName.toLowerCase()}.${String((el as HTMLElement).className).slice(0, 80)} (${Math.round(r.width)} px wide, right edge at ${Math.round(r.right)} px)`;
        }
      }
    }
    return { extra, culprit };
  });
}

async function checkAll(page: Page, routes: string[], tag: string) {
  const problems: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const route of routes) {
      await page.goto(url(route));
      await page.waitForLoadState("networkidle");
      const { extra, culprit } = await overflow(page);
      if (extra > 0) problems.push(`${route} at ${width} px scrolls ${extra} px sideways: ${culprit}`);
      await shot(page, `layout-${tag}-${width}${route.replace(/[/[\]]+/g, "-")}`);
    }
  }
  expect(problems).toEqual([]);
}

test("every page of the app is listed here", () => {
  const known = new Set([...PUBLIC, "/account", "/signin", "/signup", "/reset-password/[token]"]);
  for (const r of pageRoutes()) if (!r.startsWith("/admin")) expect(known, `page ${r}`).toContain(r);
});

test("signed-out pages fit 390 px and 1280 px without horizontal scrolling", async ({ page }) => {
  test.setTimeout(120_000);
  // The seeded votes are rated in the background: wait for the board before looking at it.
  await expect(async () => {
    await page.goto("/leaderboard");
    await expect(page.getByTestId("rating-board-phi-4-14b")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await checkAll(page, [...PUBLIC, "/signin", "/signup", "/reset-password/[token]", "/no-such-page"], "out");
});

test("every page, signed in as an admin, fits 390 px and 1280 px without horizontal scrolling", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const routes = pageRoutes().filter((r) => r !== "/signin" && r !== "/signup");
  await checkAll(page, routes, "admin");
});

test("a run of tinted spaces in the playground output wraps inside its box on a phone", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto("/playground");
  const out = page.getByTestId("generated-output");
  // What the model writes at times: a token of hundreds of spaces, tinted by its expert.
  await out.evaluate((el) => {
    const s = document.createElement("span");
    s.dataset.probe = "";
    s.style.backgroundColor = "hsl(20 80% 50% / 0.3)";
    s.textContent = `word${" ".repeat(400)}end${"\u00a0".repeat(5)}${" ".repeat(400)}`;
    el.appendChild(s);
  });
  expect((await overflow(page)).extra).toBe(0);
  const box = await out.boundingBox();
  const right = await out
    .locator("[data-probe]")
    .evaluate((el) => Math.max(...Array.from(el.getClientRects()).map((r) => r.right)));
  expect(right).toBeLessThanOrEqual((box?.x ?? 0) + (box?.width ?? 0) + 1);
});
