/**
 * The one way the server streams events to a client: a Response whose body is written by `run` through a
 * typed `send`, framed as NDJSON (one JSON object per line: the arena and the playground, read in the browser
 * by ./read-events.ts) or as server-sent events (`data: <json>\n\n`: the OpenAI-compatible API).
 *
 * The stream ends when `run` resolves. If `run` throws while the client is still there, the error is logged
 * and `onError`'s event is the last one; if the client left (the request's signal, or the body cancelled),
 * `run`'s signal aborts and nothing more is written.
 */

export type EventFormat = "ndjson" | "sse";

export interface EventStreamOptions<E> {
  format: EventFormat;
  /** The request's signal: the client going away aborts `run`. */
  signal: AbortSignal;
  /** Writes the events; `signal` aborts when the client is gone. */
  run: (send: (event: E) => void, signal: AbortSignal) => Promise<void>;
  /** The last event when `run` throws (the error is logged first). */
  onError?: (error: unknown) => E;
  /** SSE only: a literal data line written after the last event when `run` completed, e.g. OpenAI's "[DONE]". */
  sseEnd?: string;
}

const CONTENT_TYPE: Record<EventFormat, string> = {
  ndjson: "application/x-ndjson; charset=utf-8",
  sse: "text/event-stream; charset=utf-8",
};

/** One event as its bytes on the wire. */
export function frameEvent(format: EventFormat, event: unknown): string {
  const json = JSON.stringify(event);
  return format === "ndjson" ? `${json}\n` : `data: ${json}\n\n`;
}

export function eventStreamResponse<E>(opts: EventStreamOptions<E>): Response {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  opts.signal.addEventListener("abort", onAbort, { once: true });
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const write = (s: string) => {
        if (!open || abort.signal.aborted) return;
        try {
          controller.enqueue(encoder.encode(s));
        } catch {
          open = false; // the stream was cancelled between our checks
        }
      };
      const send = (event: E) => write(frameEvent(opts.format, event));
      let completed = false;
      try {
        await opts.run(send, abort.signal);
        completed = true;
      } catch (e) {
        if (!abort.signal.aborted) {
          console.error(e);
          if (opts.onError) send(opts.onError(e));
        }
      } finally {
        opts.signal.removeEventListener("abort", onAbort);
      }
      if (completed && opts.format === "sse" && opts.sseEnd !== undefined) write(`data: ${opts.sseEnd}\n\n`);
      if (open && !abort.signal.aborted) {
        try {
          controller.close();
        } catch {
          // already cancelled
        }
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": CONTENT_TYPE[opts.format],
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
