import "server-only";
import { randomBytes } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { db } from "../db/client";
import { env } from "../env";
import { sessionSecrets } from "../secrets";
import { AccountError, checkCredentials, revokeSession, upsertOAuthAccount } from "./accounts";
import { signInSchema } from "./schemas";
import { decodeWithAny } from "./session-token";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; role: "researcher" | "admin" };
  }
}

const SESSION_DAYS = 30;

let cached: NextAuthOptions | undefined;

/**
 * next-auth configuration: email + password always; GitHub and a generic OIDC provider when their
 * variables are set. Sessions are JWTs carrying the user id and role. The role in the token is only
 * a hint for the UI: every server action and route handler re-reads the user (lib/auth/session.ts),
 * so a ban or role change takes effect on the next request.
 */
export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = env();
  // next-auth v4 needs an absolute URL for its callbacks; default to the local server.
  process.env.NEXTAUTH_URL ??= `http://localhost:${config.PORT}`;
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(raw) {
        const parsed = signInSchema.safeParse(raw ?? {});
        if (!parsed.success) throw new Error("Enter your email address and password.");
        try {
          const user = await checkCredentials(db(), parsed.data.email, parsed.data.password, {
            adminEmails: config.ADMIN_EMAILS,
          });
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        } catch (e) {
          if (e instanceof AccountError) throw new Error(e.message);
          throw e;
        }
      },
    }),
  ];
  if (config.GITHUB_ID && config.GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: config.GITHUB_ID, clientSecret: config.GITHUB_SECRET }));
  }
  if (config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET) {
    providers.push({
      id: "oidc",
      name: config.OIDC_NAME,
      type: "oauth",
      wellKnown: `${config.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email, name: profile.name };
      },
    });
  }
  cached = {
    // The session key derived from the server secret (lib/secrets.ts), not the secret itself; cookies signed
    // under the previous secret (after a rotation) are still read until they expire.
    secret: sessionSecrets()[0],
    jwt: { decode: ({ token }) => (token ? decodeWithAny(token, sessionSecrets()) : Promise.resolve(null)) },
    session: { strategy: "jwt", maxAge: SESSION_DAYS * 24 * 3600 },
    pages: { signIn: "/signin", error: "/signin" },
    events: {
      // Signing out clears this browser's cookie; revoking the session's id also refuses any copy of it.
      async signOut({ token }) {
        const sid = typeof token?.sid === "string" ? token.sid : "";
        if (sid === "") return;
        const exp = Number(token.exp ?? 0);
        await revokeSession(
          db(),
          sid,
          new Date(exp > 0 ? exp * 1000 : Date.now() + SESSION_DAYS * 24 * 3600 * 1000),
        );
      },
    },
    providers,
    callbacks: {
      async signIn({ user, account }) {
        if (!account || account.provider === "credentials") return true;
        if (!user.email) return "/signin?error=NoEmail";
        try {
          const local = await upsertOAuthAccount(
            db(),
            {
              provider: account.provider,
              providerAccountId: account.providerAccountId,
              email: user.email,
              name: user.name,
            },
            { adminEmails: config.ADMIN_EMAILS },
          );
          (user as { localId?: string }).localId = local.id;
          (user as { role?: string }).role = local.role;
          return true;
        } catch (e) {
          if (e instanceof AccountError && e.code === "banned") return "/signin?error=Suspended";
          throw e;
        }
      },
      async jwt({ token, user }) {
        if (user) {
          const u = user as { id: string; localId?: string; role?: string };
          token.uid = u.localId ?? u.id;
          token.role = u.role === "admin" ? "admin" : "researcher";
          // The session's id: kept by every renewal, so signing out can revoke the session itself.
          token.sid = randomBytes(16).toString("hex");
        }
        return token;
      },
      async session({ session, token }) {
        session.user = {
          id: String(token.uid ?? ""),
          email: token.email ?? "",
          name: token.name ?? null,
          role: token.role === "admin" ? "admin" : "researcher",
        };
        return session;
      },
    },
  };
  return cached;
}
