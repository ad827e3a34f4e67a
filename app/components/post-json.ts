/**
 * POSTs JSON and returns the parsed answer. A non-2xx answer throws its first detail's message (what a
 * validation error says of the field at fault), else its `error`.
 */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error("The server could not be reached. Check your connection and try again.");
  }
  const data = (await res.json().catch(() => null)) as
    | ({ error?: string; details?: { message?: string }[] } & T)
    | null;
  if (!res.ok || !data) {
    throw new Error(data?.details?.[0]?.message ?? data?.error ?? `The server answered ${res.status}.`);
  }
  return data;
}
