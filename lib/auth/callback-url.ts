/**
 * Where sign-in may send a browser back to: only a path on the app's own origin. The value is parsed as a URL
 * against that origin, as a browser would resolve it, and refused ("/") unless the result stays there; so
 * `//evil.example`, `https://evil.example`, `/\evil.example` (browsers read `\` as `/`) and its encoded form all
 * become "/". A path that would still read as protocol-relative once sent (`/.//evil`) is refused too.
 */
export function safeCallbackPath(raw: string | null | undefined, appOrigin: string): string {
  if (!raw) return "/";
  let base: URL;
  let url: URL;
  try {
    base = new URL(appOrigin);
    url = new URL(raw, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return /^\/[/\\]/.test(path) ? "/" : path;
}
