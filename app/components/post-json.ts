/** POSTs JSON and returns the parsed answer; a non-2xx answer throws its `error` message. */
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
  const data = (await res.json().catch(() => null)) as ({ error?: string } & T) | null;
  if (!res.ok || !data) throw new Error(data?.error ?? `The server answered ${res.status}.`);
  return data;
}
