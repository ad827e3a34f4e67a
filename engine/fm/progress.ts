/** Renders build progress: one rewritten line on a terminal, plain lines (per stage, at most every 2 s) otherwise. */

import type { BuildProgress } from "./build";

const mb = (b: number) => (b / 1e6).toFixed(1);

function eta(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "?";
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

export function progressPrinter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (p: BuildProgress) => void {
  let lastStage = "";
  let lastPlain = 0;
  return (p) => {
    const line = `${label}: ${p.stage.padEnd(12)} ${mb(p.doneBytes)}/${mb(p.totalBytes)} MB  ${p.rate.toFixed(1)} MB/s  ETA ${eta(p.etaMs)}`;
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K${p.stage === "done" ? "\n" : ""}`);
      return;
    }
    const now = Date.now();
    if (p.stage !== lastStage || now - lastPlain > 2000) {
      stream.write(`${line}\n`);
      lastStage = p.stage;
      lastPlain = now;
    }
  };
}
