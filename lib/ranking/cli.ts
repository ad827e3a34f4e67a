/**
 * Ratings CLI: the leaderboard from a Chatbot Arena battle file.
 *
 *   npm run -s ratings -- --input battles.jsonl [--ties half|drop] [--bootstrap N] [--seed S]
 *                         [--anchor MODEL=RATING] [--min-battles N] [--require-end] [--json]
 *
 * With --min-battles N, models with fewer battles are preliminary: listed last, without a rank.
 * An export of this app ends with `{"_end":true,"count":N}`, checked when present; --require-end (implied for a
 * file named like this app's exports, `sciarena-eval-DATE.battles.jsonl`) refuses a file without it as cut short.
 *
 * Exit codes: 0 ok, 2 bad arguments or bad input (the message names the line).
 */
import { parseArgs } from "node:util";
import { BattleParseError } from "./jsonl";
import { computeLeaderboard, type Leaderboard } from "./leaderboard";
import { readBattlesFile } from "./read-battles-file";
import type { Anchor, TieMode } from "./types";

const USAGE =
  "usage: ratings --input battles.jsonl [--ties half|drop] [--bootstrap N] [--seed S] [--anchor MODEL=RATING] [--min-battles N] [--require-end] [--json]";

class UsageError extends Error {}

interface CliOptions {
  input: string;
  ties: TieMode;
  bootstrap: number;
  seed: number;
  anchor?: Anchor;
  minBattles: number;
  requireEnd?: boolean;
  json: boolean;
}

export function parseCliArgs(argv: string[]): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        input: { type: "string" },
        ties: { type: "string", default: "half" },
        bootstrap: { type: "string", default: "100" },
        seed: { type: "string", default: "0" },
        anchor: { type: "string" },
        "min-battles": { type: "string", default: "0" },
        json: { type: "boolean", default: false },
        "require-end": { type: "boolean" },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const input = values.input as string | undefined;
  if (!input) throw new UsageError("--input is required");
  const ties = values.ties as string;
  if (ties !== "half" && ties !== "drop")
    throw new UsageError(`--ties must be "half" or "drop" (got ${ties})`);
  const bootstrap = Number(values.bootstrap);
  if (!Number.isInteger(bootstrap) || bootstrap < 0)
    throw new UsageError("--bootstrap must be a non-negative integer");
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError("--seed must be an integer");
  const minBattles = Number(values["min-battles"]);
  if (!Number.isInteger(minBattles) || minBattles < 0)
    throw new UsageError("--min-battles must be a non-negative integer");
  let anchor: Anchor | undefined;
  if (values.anchor !== undefined) {
    const text = values.anchor as string;
    const eq = text.lastIndexOf("=");
    const rating = Number(text.slice(eq + 1));
    if (eq <= 0 || text.slice(eq + 1).trim() === "" || !Number.isFinite(rating)) {
      throw new UsageError(`--anchor must look like MODEL=RATING (got ${text})`);
    }
    anchor = { model: text.slice(0, eq), rating };
  }
  const requireEnd = values["require-end"] ? true : undefined;
  return { input, ties, bootstrap, seed, anchor, minBattles, requireEnd, json: values.json as boolean };
}

/** The CLI's JSON shape (snake_case, Chatbot Arena style). */
export function leaderboardToJson(board: Leaderboard) {
  return {
    models: board.rows.map((r) => ({
      model: r.model,
      elo: r.elo,
      bt: r.bt,
      ci_lower: r.ciLower,
      ci_upper: r.ciUpper,
      rank: r.rank,
      preliminary: r.preliminary,
      battles: r.battles,
      win_rate: r.winRate,
    })),
  };
}

export function formatTable(board: Leaderboard): string {
  const header = ["rank", "model", "bt", "95% CI", "elo", "battles", "win rate"];
  const lines = board.rows.map((r) => [
    r.rank === null ? "prelim" : String(r.rank),
    r.model,
    r.bt.toFixed(1),
    `${(r.ciLower - r.bt).toFixed(1)} / +${(r.ciUpper - r.bt).toFixed(1)}`,
    r.elo.toFixed(1),
    String(r.battles),
    `${(100 * r.winRate).toFixed(1)}%`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (cells: string[]) =>
    cells.map((cell, c) => (c === 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  const summary = `${board.totalBattles} battles, ${board.rows.length} models, ties ${board.options.ties}, ${board.options.bootstrapRounds} bootstrap rounds (seed ${board.options.seed})`;
  return [fmt(header), ...lines.map(fmt), "", summary].join("\n");
}

export function main(argv: string[]): number {
  let opts: CliOptions;
  try {
    opts = parseCliArgs(argv);
  } catch (e) {
    process.stderr.write(`ratings: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const table = readBattlesFile(opts.input, { requireEnd: opts.requireEnd });
    const board = computeLeaderboard(table, {
      ties: opts.ties,
      bootstrapRounds: opts.bootstrap,
      seed: opts.seed,
      anchor: opts.anchor,
      minBattles: opts.minBattles,
    });
    process.stdout.write(
      opts.json ? `${JSON.stringify(leaderboardToJson(board))}\n` : `${formatTable(board)}\n`,
    );
    return 0;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (e instanceof BattleParseError) {
      process.stderr.write(`ratings: ${opts.input}: ${err.message}\n`);
    } else if (err.code === "ENOENT" || err.code === "EISDIR" || err.code === "EACCES") {
      process.stderr.write(`ratings: cannot read ${opts.input}: ${err.code}\n`);
    } else if (e instanceof RangeError) {
      process.stderr.write(`ratings: ${err.message}\n`);
    } else {
      throw e;
    }
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("lib/ranking/cli.ts")) {
  process.exitCode = main(process.argv.slice(2));
}
