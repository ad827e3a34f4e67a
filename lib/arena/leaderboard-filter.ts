/**
 * Leaderboard filters (query parameters of /leaderboard): a subject from SUBJECTS and an inclusive range of
 * UTC vote dates. Each distinct filter has its own snapshots, keyed by `filterKey` ("" = no filter). Pure.
 */
import { isSubject, type Subject } from "./subjects";

export interface LeaderboardFilter {
  subject?: Subject;
  /** YYYY-MM-DD, first UTC day counted. */
  from?: string;
  /** YYYY-MM-DD, last UTC day counted. */
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function validDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

type Params = Record<string, string | string[] | undefined>;

function first(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
}

/** Reads a filter from query parameters; invalid parts are dropped and explained in `errors`. */
export function parseLeaderboardFilter(params: Params): { filter: LeaderboardFilter; errors: string[] } {
  const filter: LeaderboardFilter = {};
  const errors: string[] = [];
  const subject = first(params.subject);
  if (subject) {
    if (isSubject(subject)) filter.subject = subject;
    else errors.push(`Unknown field "${subject.slice(0, 40)}"; showing all fields.`);
  }
  for (const k of ["from", "to"] as const) {
    const v = first(params[k]);
    if (!v) continue;
    if (validDay(v)) filter[k] = v;
    else
      errors.push(
        `"${v.slice(0, 20)}" is not a date (YYYY-MM-DD); the ${k === "from" ? "start" : "end"} is ignored.`,
      );
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    errors.push("The start date is after the end date; the dates are ignored.");
    filter.from = undefined;
    filter.to = undefined;
  }
  return { filter: clean(filter), errors };
}

function clean(f: LeaderboardFilter): LeaderboardFilter {
  const out: LeaderboardFilter = {};
  if (f.subject) out.subject = f.subject;
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  return out;
}

/** Canonical key of a filter: "" for none, else query-string form in a fixed order. */
export function filterKey(f: LeaderboardFilter): string {
  const p = new URLSearchParams();
  if (f.subject) p.set("subject", f.subject);
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  return p.toString();
}

export function parseFilterKey(key: string): LeaderboardFilter {
  return parseLeaderboardFilter(Object.fromEntries(new URLSearchParams(key))).filter;
}

/** The vote-time range of a filter as [gte, lt) instants, or null bounds. */
export function filterRange(f: LeaderboardFilter): { gte?: Date; lt?: Date } {
  const out: { gte?: Date; lt?: Date } = {};
  if (f.from) out.gte = new Date(`${f.from}T00:00:00Z`);
  if (f.to) out.lt = new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000);
  return out;
}

export function describeFilter(f: LeaderboardFilter): string {
  const parts: string[] = [];
  if (f.subject) parts.push(f.subject);
  if (f.from && f.to) parts.push(`${f.from} to ${f.to}`);
  else if (f.from) parts.push(`from ${f.from}`);
  else if (f.to) parts.push(`until ${f.to}`);
  return parts.length ? parts.join(", ") : "all votes";
}
