/**
 * The app's own origin and the same-origin rule for cookie-authenticated writes.
 *
 * A browser sends `Origin` on every cross-origin request and on same-origin POST/PUT/DELETE, and
 * `Sec-Fetch-Site` on every request (Chromium, Firefox, Safari 16.4+). A write that a session cookie
 * authenticates is accepted only when these say it came from this app's pages, which is what stops another site
 * from making a signed-in browser post to the API (CSRF): SameSite=Lax cookies alone still travel on
 * same-site requests from sibling subdomains. Requests from scripts (no browser headers) are not
 * cross-site requests and pass; they are judged by their credentials alone.
 */
import { env } from "../env";

/** The public origin of the app: NEXTAUTH_URL's origin, or http://localhost:PORT. */
export function appOrigin(): string {
  const config = env();
  return new URL(config.NEXTAUTH_URL ?? `http://localhost:${config.PORT}`).origin;
}

interface HeaderReader {
  get(name: string): string | null;
}

/**
 * Whether a request's browser headers place it on this app: `Sec-Fetch-Site` is `same-origin` or `none` (typed
 * into the address bar), or, without it, `Origin` is the app's origin (NEXTAUTH_URL) or names the host the
 * request was sent to. No `Origin` and no `Sec-Fetch-Site`: not a browser's cross-site request, allowed.
 */
export function isSameOriginRequest(headers: HeaderReader, ownOrigin: string = appOrigin()): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const origin = headers.get("origin");
  if (origin === null) return true;
  if (origin === "null") return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.origin === ownOrigin) return true;
  const host = headers.get("host");
  return host !== null && parsed.host === host;
}
