/**
 * The fields a researcher picks for a question (stored on the Battle, used by the leaderboard's subject
 * filter). A short fixed list, so filters stay meaningful; no DB or env access (the arena form imports it).
 */
export const SUBJECTS = [
  "Natural science",
  "Engineering",
  "Medicine",
  "Social science",
  "Humanities",
  "Computer science",
  "Other",
] as const;

export type Subject = (typeof SUBJECTS)[number];

export function isSubject(x: unknown): x is Subject {
  return typeof x === "string" && (SUBJECTS as readonly string[]).includes(x);
}
