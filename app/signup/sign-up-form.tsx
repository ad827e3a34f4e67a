"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useActionState, useEffect, useRef, useState } from "react";
import { MAX_EMAIL, MAX_NAME } from "@/lib/auth/schemas";
import { Field } from "../components/field";
import { FormMessage } from "../components/form-message";
import { NewPasswordFields } from "../components/new-password-fields";
import { signUpAction } from "./actions";

export function SignUpForm() {
  const router = useRouter();
  const [state, action, pending] = useActionState(signUpAction, undefined);
  const [signingIn, setSigningIn] = useState(false);
  const credentials = useRef<{ email: string; password: string } | null>(null);

  useEffect(() => {
    if (!state?.ok || !credentials.current) return;
    const { email, password } = credentials.current;
    credentials.current = null;
    setSigningIn(true);
    signIn("credentials", { email, password, redirect: false }).then((res) => {
      if (res?.ok) {
        router.push("/");
        router.refresh();
      } else {
        router.push("/signin");
      }
    });
  }, [state, router]);

  const errors = state?.errors ?? {};
  return (
    <form
      action={(fd) => {
        credentials.current = {
          email: String(fd.get("email") ?? ""),
          password: String(fd.get("password") ?? ""),
        };
        return action(fd);
      }}
      className="card space-y-4"
      noValidate
    >
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
        defaultValue={state?.data?.email}
        key={`email-${state?.data?.email}`}
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
