import { type NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy, newNonce } from "@/lib/csp";

/**
 * Pages only (see `config.matcher`): a fresh nonce per request, the Content-Security-Policy that names it on
 * the response, and both on the request, where Next.js reads the nonce for its own inline scripts and the
 * root layout reads `x-nonce` for the theme script.
 */
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, {
    https: request.nextUrl.protocol === "https:",
    dev: process.env.NODE_ENV === "development",
  });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      // Not the APIs (JSON, never rendered as a page), static files, or server actions (their POSTs answer
      // with data, and the proxy would copy their bodies).
      source: "/((?!api/|v1/|_next/static|_next/image|favicon.svg).*)",
      missing: [
        { type: "header", key: "next-action" },
        { type: "header", key: "next-router-prefetch" },
      ],
    },
  ],
};
