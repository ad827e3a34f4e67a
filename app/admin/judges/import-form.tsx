"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * Uploads a SciArena-Eval file (JSON or JSONL) as a dataset; the server's messages about bad records are
 * listed one per line.
 */
export function ImportForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<string[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("file");
    const name = String(form.get("name") ?? "");
    setErrors([]);
    setMessage(null);
    if (!(file instanceof File) || file.size === 0) {
      setErrors(["Choose a SciArena-Eval file (.json or .jsonl)."]);
      return;
    }
    setPending(true);
    try {
      const res = await fetch(`/api/v1/admin/datasets?name=${encodeURIComponent(name)}`, {
        method: "POST",
        body: file,
        headers: { "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(file.name) },
      });
      const body = await res.json();
      if (!res.ok) {
        setErrors(
          body.details?.length
            ? body.details.map((d: { message: string }) => d.message)
            : [body.error ?? "Import failed."],
        );
        return;
      }
      setMessage(`Imported "${body.name}": ${body.itemCount} records.`);
      router.refresh();
    } finally {
      setPending(false);
    }
  }
  return (
    <form
      onSubmit={submit}
      className="card grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
      aria-label="Import a dataset"
    >
      <div>
        <label htmlFor="import-name" className="mb-1 block text-sm font-medium">
          Dataset name
        </label>
        <input id="import-name" name="name" className="input" required maxLength={120} />
      </div>
      <div>
        <label htmlFor="import-file" className="mb-1 block text-sm font-medium">
          SciArena-Eval file (JSON or JSONL, up to 50 MB)
        </label>
        <input
          id="import-file"
          name="file"
          type="file"
          accept=".json,.jsonl,.ndjson,application/json"
          className="input"
        />
      </div>
      <button type="submit" className="btn-secondary" disabled={pending}>
        {pending ? "Importing…" : "Import"}
      </button>
      {message && (
        <p role="status" className="text-sm text-emerald-700 sm:col-span-3 dark:text-emerald-400">
          {message}
        </p>
      )}
      {errors.length > 0 && (
        <div role="alert" className="field-error sm:col-span-3">
          <p>The file was not imported:</p>
          <ul className="list-disc pl-5">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
