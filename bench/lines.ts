/**
 * `npx tsx bench/lines.ts [--mib N]`: the line splitter (engine/lines.ts) against Node's readline, in one
 * process, on N MiB (default 256) of JSONL-like lines of 64 B, 500 B and 8 KiB, with "\n" and with "\r\n"
 * breaks, fed as 1 MiB chunks as the index build and the paper import read them. Prints MiB/s and the
 * ratio to readline (higher is better).
 */
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { lines } from "../engine/lines";

const at = process.argv.indexOf("--mib");
const MIB = at > 0 ? Number(process.argv[at + 1]) : 256;

function chunkOf(lineBytes: number, crlf: boolean): Buffer {
  const body = `{"id":"x","text":"${"lorem ipsum ".repeat(Math.ceil(lineBytes / 12))}`.slice(
    0,
    lineBytes - 2,
  );
  const line = `${body}"}${crlf ? "\r\n" : "\n"}`;
  return Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length)));
}

async function* stream(chunk: Buffer, n: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < n; i++) yield Buffer.from(chunk); // a fresh buffer per chunk, as a file stream gives
}

async function rate(run: () => AsyncIterable<unknown>, bytes: number): Promise<number> {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    for await (const _ of run());
    best = Math.max(best, bytes / 2 ** 20 / ((performance.now() - t) / 1000));
  }
  return best;
}

console.log(`${MIB} MiB per run, best of 3; load ${(await import("node:os")).loadavg()[0].toFixed(1)}`);
console.log("line bytes  breaks  lines() MiB/s  readline MiB/s  ratio");
for (const lineBytes of [64, 500, 8192]) {
  for (const crlf of [false, true]) {
    const chunk = chunkOf(lineBytes, crlf);
    const n = Math.ceil((MIB * 2 ** 20) / chunk.length);
    const bytes = n * chunk.length;
    const ours = await rate(() => lines(stream(chunk, n)), bytes);
    const ref = await rate(
      () => createInterface({ input: Readable.from(stream(chunk, n)), crlfDelay: Number.POSITIVE_INFINITY }),
      bytes,
    );
    console.log(
      `${String(lineBytes).padStart(10)}  ${(crlf ? "\\r\\n" : "\\n").padEnd(6)}  ${ours.toFixed(0).padStart(13)}  ${ref.toFixed(0).padStart(14)}  ${(ours / ref).toFixed(2)}x`,
    );
  }
}
