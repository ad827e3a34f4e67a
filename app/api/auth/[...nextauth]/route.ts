import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { appOrigin } from "@/lib/auth/origin";
import { beginSignIn, signInSucceeded } from "@/lib/auth/signin-throttle";
import { errorResponse, readBody, requestAddress } from "@/lib/http";
import { errorBody } from "@/lib/http-error";

/** next-auth's forms (sign-in, sign-out, CSRF) are a few hundred bytes. */
const AUTH_BODY_LIMIT = 16 * 1024;

type Ctx = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth, with its POST bodies read under a limit and password sign-ins throttled (lib/auth/signin-throttle.ts):
 * a locked-out address or account gets a 429 with `Retry-After`, in the `{url}` shape next-auth's client reads,
 * so the sign-in form shows the message.
 */
async function auth(req: NextRequest, ctx: Ctx): Promise<Response> {
  if (req.method !== "POST") return NextAuth(req as never, ctx as never, authOptions());
  let body: Buffer;
  try {
    body = await readBody(req, AUTH_BODY_LIMIT);
  } catch (e) {
    return errorResponse(e);
  }
  const forward = new NextRequest(req.url, {
    method: "POST",
    headers: req.headers,
    body: new Uint8Array(body),
  });
  const [action, provider] = (await ctx.params).nextauth ?? [];
  if (action !== "callback" || provider !== "credentials")
    return NextAuth(forward as never, ctx as never, authOptions());

  const email = new URLSearchParams(body.toString("utf8")).get("email") ?? "";
  const address = requestAddress(req.headers);
  try {
    await beginSignIn(email, address);
  } catch (e) {
    const { status, body: err, headers } = errorBody(e);
    if (status !== 429) return errorResponse(e);
    const url = `${appOrigin()}/signin?error=${encodeURIComponent(String(err.error))}`;
    return Response.json({ ...err, url }, { status, headers: { ...headers, "cache-control": "no-store" } });
  }
  const res: Response = await NextAuth(forward as never, ctx as never, authOptions());
  const signedIn = res.headers
    .getSetCookie()
    .some((c) => /^(__Secure-)?next-auth\.session-token(\.\d+)?=./.test(c));
  if (signedIn) await signInSucceeded(email, address);
  return res;
}

export { auth as GET, auth as POST };
