import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { appOrigin } from "@/lib/auth/origin";
import { currentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  Suspended: "This account has been suspended.",
  NoEmail: "The sign-in provider did not share an email address.",
  OAuthAccountNotLinked: "This email is already linked to another sign-in method.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const [params, user] = await Promise.all([searchParams, currentUser()]);
  // Only a path on this app's own origin may be returned to (no open redirects).
  const callbackUrl = safeCallbackPath(params.callbackUrl, appOrigin());
  if (user) redirect(callbackUrl);
  const config = env();
  const oauth = [
    ...(config.GITHUB_ID ? [{ id: "github", name: "GitHub" }] : []),
    ...(config.OIDC_ISSUER ? [{ id: "oidc", name: config.OIDC_NAME }] : []),
  ];
  const error = params.error ? (ERRORS[params.error] ?? "Sign-in failed. Please try again.") : undefined;
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-2xl font-semibold">Sign in</h1>
      <SignInForm callbackUrl={callbackUrl} oauth={oauth} initialError={error} />
      <p className="muted mt-6 text-sm">
        No account yet?{" "}
        <Link className="text-sky-700 underline dark:text-sky-400" href="/signup">
          Sign up
        </Link>
      </p>
    </div>
  );
}
