/**
 * The browser's reader of ./event-stream.ts's NDJSON streams: calls `onEvent` with each event in order as
 * its line completes (lines may arrive split across network chunks, several per chunk, or with CRLF).
 * Resolves at the end of the stream; rejects when the connection breaks, the signal aborts, or a line is
 * not JSON. Client-safe (no server imports).
 */
export async function readEvents<E>(
  body: NonNullable<Response["body"]>,
  onEvent: (event: E) => void,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const line = (text: string) => {
    const trimmed = text.trim();
    if (trimmed) onEvent(JSON.parse(trimmed) as E);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        line(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf("\n");
      }
    }
    line(buffer);
  } finally {
    reader.releaseLock();
  }
}
