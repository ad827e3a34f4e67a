/**
 * What the FM-index benches that compare with sdsl-lite share (bench/fm.ts, bench/scale.ts): the query file the
 * C++ harness (bench/sdsl/harness.cpp) reads, the harness's compilation, the random rows they locate and
 * extract at, and timing a child process's wall time, CPU time and peak memory under /usr/bin/time.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

/** Whether sdsl-lite's headers are installed (libsdsl-dev), so that the harness compiles. */
export const sdslInstalled = (): boolean => existsSync("/usr/include/sdsl/suffix_arrays.hpp");

/** Compiles bench/sdsl/harness.cpp into `bin` unless `bin` is newer than the source. */
export function compileSdslHarness(bin: string): void {
  const source = resolve("bench/sdsl/harness.cpp");
  if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(source).mtimeMs) return;
  execFileSync("g++", [
    "-O3",
    "-DNDEBUG",
    "-std=c++17",
    source,
    "-o",
    bin,
    "-lsdsl",
    "-ldivsufsort",
    "-ldivsufsort64",
  ]);
}

/** Writes queries as the harness reads them: a uint32 count, then each query as a uint32 length and its bytes (LE). */
export function writeQueries(file: string, queries: Uint8Array[]): void {
  const buf = Buffer.alloc(4 + queries.reduce((s, q) => s + 4 + q.length, 0));
  buf.writeUInt32LE(queries.length, 0);
  let o = 4;
  for (const q of queries) {
    buf.writeUInt32LE(q.length, o);
    buf.set(q, o + 4);
    o += 4 + q.length;
  }
  writeFileSync(file, buf);
}

/** The queries of a file written by writeQueries. */
export function readQueries(file: string): Buffer[] {
  const b = readFileSync(file);
  const n = b.readUInt32LE(0);
  const out: Buffer[] = [];
  let o = 4;
  for (let i = 0; i < n; i++) {
    const len = b.readUInt32LE(o);
    out.push(b.subarray(o + 4, o + 4 + len));
    o += 4 + len;
  }
  return out;
}

export interface Timed {
  stdout: string;
  stderr: string;
  /** Peak resident memory of the process (its threads included), bytes. */
  peakBytes: number;
  /** Wall time. */
  seconds: number;
  /** User + system CPU time, all threads. */
  cpuSeconds: number;
}

/** Runs a command under /usr/bin/time (in `cwd` if given); throws with its stderr when it fails. */
export function timed(cmd: string, args: string[], cwd?: string): Timed {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "PEAK_KB %M CPU %U %S", cmd, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    cwd,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const m = /PEAK_KB (\d+) CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return {
    stdout: r.stdout,
    stderr: r.stderr,
    peakBytes: Number(m?.[1] ?? 0) * 1024,
    seconds,
    cpuSeconds: Number(m?.[2] ?? 0) + Number(m?.[3] ?? 0),
  };
}

/**
 * A picker of uniformly random rows of an index's shards (each shard's text, separators and end): [shard, row],
 * drawn with `rand`.
 */
export function rowPicker(
  shards: readonly { bytes: number; docs: number }[],
  rand: () => number,
): () => readonly [number, number] {
  const rows = shards.map((s) => s.bytes + s.docs + 1);
  const allRows = rows.reduce((a, b) => a + b, 0);
  return () => {
    let r = Math.floor(rand() * allRows);
    for (let k = 0; k < rows.length; k++) {
      if (r < rows[k]) return [k, r] as const;
      r -= rows[k];
    }
    return [0, 0] as const;
  };
}
