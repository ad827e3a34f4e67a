import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage() {
  if (await currentUser()) redirect("/");
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-2xl font-semibold">Create an account</h1>
      <SignUpForm />
      <p className="muted mt-6 text-sm">
        Already have an account?{" "}
        <Link className="text-sky-700 underline dark:text-sky-400" href="/signin">
          Sign in
        </Link>
      </p>
    </div>
  );
}
