import type { Metadata } from "next";
import Link from "next/link";
import { passwordResetAccount } from "@/lib/auth/accounts";
import { db } from "@/lib/db/client";
import { ResetForm } from "./reset-form";

export const metadata: Metadata = { title: "Set a new password", referrer: "no-referrer" };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const account = await passwordResetAccount(db(), token);
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-2xl font-semibold">Set a new password</h1>
      {account ? (
        <ResetForm token={token} email={account.email} />
      ) : (
        <div className="card space-y-3">
          <p role="alert" className="field-error">
            This reset link is invalid or has expired. Ask an admin for a new one.
          </p>
          <Link href="/signin" className="text-sm text-sky-700 underline dark:text-sky-400">
            Back to sign in
          </Link>
        </div>
      )}
    </div>
  );
}
