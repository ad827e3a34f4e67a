"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** sessionStorage key under which a "Trace" action hands text to /trace. */
export const PREFILL_KEY = "lmr:trace-prefill";

export interface TracePrefill {
  response: string;
  prompt?: string;
  domains?: string[];
  /** Why the text could not be traced directly (shown on /trace). */
  error?: string;
}

/**
 * Opens /trace with a text prefilled (and its prompt and domains): hands the text over through
 * sessionStorage, then navigates. The trace page shows it in the form, ready to trace.
 */
export function openTracePrefilled(prefill: TracePrefill, navigate: (url: string) => void): void {
  try {
    sessionStorage.setItem(PREFILL_KEY, JSON.stringify(prefill));
  } catch {
    // Storage full or disabled: the page opens empty.
  }
  navigate("/trace");
}

/**
 * A "Trace" action for any model answer (playground, arena after the vote): traces the text right away
 * and opens its permanent page /trace/<id>; when that fails (say the text is too long), opens /trace with
 * the text prefilled and the reason shown.
 */
export function TraceButton({
  text,
  prompt,
  domains,
  label = "Trace",
  className = "btn-secondary",
}: {
  text: string;
  prompt?: string;
  domains?: string[];
  label?: string;
  className?: string;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={className}
      disabled={busy || text.trim() === ""}
      aria-label={label === "Trace" ? "Trace this text in the training corpus" : undefined}
      onClick={async () => {
        setBusy(true);
        try {
          const res = await fetch("/api/v1/trace", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ response: text, prompt: prompt || undefined, domains }),
          });
          const data = (await res.json().catch(() => null)) as { url?: string; error?: string } | null;
          if (res.ok && data?.url) router.push(data.url);
          else openTracePrefilled({ response: text, prompt, domains, error: data?.error }, router.push);
        } catch {
          openTracePrefilled({ response: text, prompt, domains }, router.push);
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? "Tracing…" : label}
    </button>
  );
}
