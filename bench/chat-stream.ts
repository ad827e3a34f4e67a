/**
 * How the OpenAI-compatible stream reader (lib/providers/chat-stream.ts) scales with the answer's length and
 * how the network cuts it: N content deltas (OpenAI's chunk shape, ~160 bytes per event) read at several
 * network chunk sizes, against a reference in the same process: the hand-written reader this app had before
 * (split on newlines, JSON.parse each data line; no CRLF, comments, error lines or reasoning). Prints events/s,
 * MB/s, the ratio to the reference and the heap growth. Run: `npx tsx bench/chat-stream.ts [events]`.
 */
import { loadavg } from "node:os";
import { readChatStream } from "../lib/providers/chat-stream";
import { chunkedBody } from "../lib/providers/fake-openai-server";

const events = Number(process.argv[2] ?? 100_000);

function streamText(n: number): string {
  const base = { id: "chatcmpl-x", object: "chat.completion.chunk", created: 1, model: "m" };
  const parts: string[] = [];
  for (let i = 0; i < n; i++)
    parts.push(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: `word${i % 97} ` }, finish_reason: null }] })}\n\n`,
    );
  parts.push("data: [DONE]\n\n");
  return parts.join("");
}

/** The reader this app had before (kept here only as the reference). */
async function reference(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<number> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let chars = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf("\n");
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") return chars;
      chars += (JSON.parse(data).choices?.[0]?.delta?.content ?? "").length;
    }
  }
  return chars;
}

async function ours(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<number> {
  let chars = 0;
  for await (const p of readChatStream(stream, "bench")) if (typeof p === "string") chars += p.length;
  return chars;
}

async function time(fn: () => Promise<number>): Promise<{ ms: number; chars: number }> {
  const t = performance.now();
  const chars = await fn();
  return { ms: performance.now() - t, chars };
}

const text = streamText(events);
const bytes = new TextEncoder().encode(text);
console.log(
  `${events.toLocaleString("en")} events, ${(bytes.length / 1e6).toFixed(1)} MB; load ${loadavg()[0].toFixed(2)}; node ${process.version}`,
);
console.log("chunk bytes | ours events/s | ours MB/s | reference MB/s | ours / reference time | heap growth");
for (const size of [64, 1024, 16 * 1024]) {
  const warm = bytes.subarray(0, text.indexOf("\n\n", 200_000) + 2); // whole events only
  await ours(chunkedBody(warm, size)); // warm-up
  await reference(chunkedBody(warm, size));
  if (global.gc) global.gc();
  const heap = process.memoryUsage().heapUsed;
  const a = await time(() => ours(chunkedBody(bytes, size)));
  const grew = process.memoryUsage().heapUsed - heap;
  const b = await time(() => reference(chunkedBody(bytes, size)));
  if (a.chars !== b.chars) throw new Error(`readers disagree: ${a.chars} vs ${b.chars}`);
  const mbs = (ms: number) => (bytes.length / 1e6 / (ms / 1000)).toFixed(1);
  console.log(
    `${String(size).padStart(11)} | ${Math.round(events / (a.ms / 1000))
      .toLocaleString("en")
      .padStart(
        13,
      )} | ${mbs(a.ms).padStart(9)} | ${mbs(b.ms).padStart(14)} | ${(a.ms / b.ms).toFixed(2).padStart(21)} | ${(grew / 1e6).toFixed(1)} MB`,
  );
}
