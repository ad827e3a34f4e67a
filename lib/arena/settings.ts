/** Arena settings kept in the Setting table (admin-configurable). */
import type { Db } from "../db/create";
import type { SqlRunner } from "../db/sql";

export const DAILY_VOTE_CAP_KEY = "arena.dailyVoteCap";
export const DEFAULT_DAILY_VOTE_CAP = 200;

function parseCap(value: string | undefined): number {
  const n = value === undefined ? Number.NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_DAILY_VOTE_CAP;
}

/** Votes one researcher may cast per UTC day. */
export async function dailyVoteCap(db: Db): Promise<number> {
  const row = await db.setting.findUnique({ where: { key: DAILY_VOTE_CAP_KEY } });
  return parseCap(row?.value);
}

/** The same, read through the plain-SQL client (inside the vote transaction). */
export async function dailyVoteCapIn(sql: SqlRunner): Promise<number> {
  const [row] = await sql.all<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = ?`, [
    DAILY_VOTE_CAP_KEY,
  ]);
  return parseCap(row?.value);
}

export async function setDailyVoteCap(db: Db, cap: number): Promise<void> {
  if (!(Number.isInteger(cap) && cap >= 0 && cap <= 1_000_000))
    throw new RangeError("the daily vote cap is a whole number from 0 to 1,000,000");
  await db.setting.upsert({
    where: { key: DAILY_VOTE_CAP_KEY },
    create: { key: DAILY_VOTE_CAP_KEY, value: String(cap) },
    update: { value: String(cap) },
  });
}
