/**
 * The Content-Security-Policy of every page (proxy.ts sets it, with a fresh nonce per request).
 *
 * Scripts: only this origin's files and inline scripts carrying the request's nonce (Next.js puts it on its
 * own bootstrap and data scripts when it finds it in the request's CSP header; the theme script reads it from
 * `x-nonce`). 'strict-dynamic' lets those trusted scripts load the route chunks they import. No
 * 'unsafe-inline' and no 'unsafe-eval' for scripts, so an injected <script> or on* attribute never runs.
 * Styles: inline styles are allowed ('unsafe-inline'): React style attributes and KaTeX's inline styles need
 * them, and a style cannot run code. Frames: nobody may frame the app (clickjacking), it frames nothing.
 */
export function contentSecurityPolicy(nonce: string, opts: { https: boolean; dev?: boolean }): string {
  const directives = [
    "default-src 'self'",
    // next dev's React refresh evaluates code; never in production.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** HSTS for responses served over https: a year, subdomains included. */
export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * Whether a response goes out over https, so it carries HSTS: the app's public URL (NEXTAUTH_URL) is https, or a
 * proxy of yours (TRUST_PROXY > 0) says the request came in over https. A client's own X-Forwarded-Proto is not
 * believed otherwise (and browsers ignore HSTS received over plain http anyway).
 */
export function servedOverHttps(
  forwardedProto: string | string[] | undefined,
  opts: { publicUrl: string | undefined; trustProxy: number },
): boolean {
  if (opts.publicUrl?.startsWith("https:")) return true;
  if (opts.trustProxy === 0 || forwardedProto === undefined) return false;
  const first = (Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto).split(",")[0].trim();
  return first === "https";
}
