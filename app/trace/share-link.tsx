"use client";

import { useState } from "react";

/** The permanent link of a stored trace, with a copy button. */
export function ShareLink({ url }: { url: string }) {
  const [copied, setCopied] = useState(false);
  const full = typeof window === "undefined" ? url : `${window.location.origin}${url}`;
  return (
    <div className="space-y-1 text-sm" data-keep-selection="">
      <label htmlFor="trace-share" className="font-medium">
        Share link
      </label>
      <div className="flex gap-2">
        <input
          id="trace-share"
          className="input"
          readOnly
          value={full}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          className="btn-secondary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(full);
              setCopied(true);
              setTimeout(() => setCopied(false), 2000);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <a href={url} className="underline underline-offset-2">
        Permanent link to this trace
      </a>
    </div>
  );
}
