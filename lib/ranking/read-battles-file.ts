/** The one I/O helper of lib/ranking: reads a battle JSONL file in chunks into a `BattleTable`. */
import { closeSync, openSync, readSync } from "node:fs";
import { BattleJsonlParser } from "./jsonl";
import type { BattleTable } from "./types";

const CHUNK = 4 << 20;

/** Reads `path` (Chatbot Arena battle JSONL) with bounded memory per chunk. Throws BattleParseError on bad lines. */
export function readBattlesFile(path: string): BattleTable {
  const parser = new BattleJsonlParser();
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
