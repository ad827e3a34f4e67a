"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { MAX_EMAIL, MAX_NAME } from "@/lib/auth/schemas";
import { Field } from "../components/field";
import { FormMessage } from "../components/form-message";
import { NewPasswordFields } from "../components/new-password-fields";

interface SignUpState {
  ok: boolean;
  message?: string;
  errors?: Record<string, string>;
}

/**
 * Posts to `POST /api/signup` (a route handler, so a throttled attempt is a real 429 with `Retry-After`; its
 * message says how long to wait), then signs in with the same credentials.
 */
export function SignUpForm() {
  const router = useRouter();
  const [state, setState] = useState<SignUpState | undefined>(undefined);
  const [pending, setPending] = useState(false);
  const [signingIn, setSigningIn] = useState(false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const field = (k: string) => {
      const v = fd.get(k);
      return typeof v === "string" ? v : undefined;
    };
    const email = field("email") ?? "";
    const password = field("password") ?? "";
    setPending(true);
    let next: SignUpState;
    try {
      const res = await fetch("/api/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: field("name"), email, password, confirm: field("confirm") }),
      });
      const body = (await res.json().catch(() => ({}))) as {
        message?: string;
        error?: string;
        fields?: Record<string, string>;
      };
      next = res.ok
        ? { ok: true, message: body.message ?? "Account created." }
        : { ok: false, message: body.error ?? `Sign-up failed (${res.status}).`, errors: body.fields };
    } catch {
      next = { ok: false, message: "The server could not be reached; try again." };
    }
    setPending(false);
    setState(next);
    if (!next.ok) return;
    setSigningIn(true);
    const res = await signIn("credentials", { email, password, redirect: false });
    if (res?.ok) {
      router.push("/");
      router.refresh();
    } else {
      router.push("/signin");
    }
  }

  const errors = state?.errors ?? {};
  return (
    <form onSubmit={submit} className="card space-y-4" noValidate>
      <Field
        id="name"
        label="Name (optional)"
        autoComplete="name"
        maxLength={MAX_NAME + 20}
        error={errors.name}
      />
      <Field
        id="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        maxLength={MAX_EMAIL + 20}
        error={errors.email}
      />
      <NewPasswordFields id="password" label="Password" confirmLabel="Repeat password" errors={errors} />
      <FormMessage state={state} />
      <button type="submit" className="btn-primary w-full" disabled={pending || signingIn}>
        {pending ? "Creating account…" : signingIn ? "Signing in…" : "Create account"}
      </button>
    </form>
  );
}
