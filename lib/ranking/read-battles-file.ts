/** The one I/O helper of lib/ranking: reads a battle JSONL file in chunks into a `BattleTable`. */
import { closeSync, openSync, readSync } from "node:fs";
import { looksLikeExportName } from "../export/end";
import { BattleJsonlParser } from "./jsonl";
import type { BattleTable } from "./types";

const CHUNK = 4 << 20;

/**
 * Reads `path` (Chatbot Arena battle JSONL) with bounded memory per chunk. Throws BattleParseError on bad lines.
 * The export's end line is required when `requireEnd` says so, by default when the file is named the way this
 * app names its exports (a file that lost its end line was cut short).
 */
export function readBattlesFile(path: string, opts: { requireEnd?: boolean } = {}): BattleTable {
  const parser = new BattleJsonlParser({ requireEnd: opts.requireEnd ?? looksLikeExportName(path) });
  const fd = openSync(path, "r");
  try {
    // A Buffer: its indexOf (newline search) is memchr-fast, unlike Uint8Array#indexOf.
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const got = readSync(fd, buf, 0, CHUNK, null);
      if (got === 0) break;
      parser.push(buf.subarray(0, got));
    }
  } finally {
    closeSync(fd);
  }
  return parser.finish();
}
