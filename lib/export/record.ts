/**
 * The SciArena-Eval record of one voted battle, built from the stored battle and vote. Pure.
 *
 * Privacy invariant: a record is built only from the battle's text, the model names, the vote and a voter
 * pseudonym computed by the caller; nothing of the User row (email, name, password hash) or of a provider
 * row (API key) ever reaches this module.
 */
import type { ArenaPassage } from "../providers/types";

export interface Citation {
  concise_authors: string;
  content: string;
}

export interface PaperRef {
  id: string;
  title: string;
  concise_authors: string;
  year: number;
  url?: string;
}

/** SciArena-Eval's vote labels. */
export type EvalVote = "A" | "B" | "tie" | "bothbad";

export interface SciArenaEvalRecord {
  id: string;
  question: string;
  responseA: string;
  responseB: string;
  modelA: string;
  modelB: string;
  vote: EvalVote;
  citation_a: Citation[];
  citation_b: Citation[];
  question_type: string;
  subject: string;
  paper_bank: PaperRef[];
  /** Unix seconds of the vote. */
  tstamp: number;
  /** HMAC pseudonym of the voter's user id. */
  voter: string;
}

/** The columns of the record, in order (CSV header, Parquet schema). */
export const RECORD_FIELDS = [
  "id",
  "question",
  "responseA",
  "responseB",
  "modelA",
  "modelB",
  "vote",
  "citation_a",
  "citation_b",
  "question_type",
  "subject",
  "paper_bank",
  "tstamp",
  "voter",
] as const satisfies readonly (keyof SciArenaEvalRecord)[];

/** The fields of the database rows the export reads (see lib/export/query.ts). */
export interface ExportRow {
  id: string;
  choice: string;
  createdAt: Date;
  userId: string;
  battle: {
    id: string;
    question: string;
    passages: string;
    answerA: string | null;
    answerB: string | null;
    subject: string | null;
    modelA: { name: string };
    modelB: { name: string };
  };
}

export const VOTE_LABEL: Record<string, EvalVote> = { a: "A", b: "B", tie: "tie", bothbad: "bothbad" };

/** Chatbot Arena's winner labels for our vote choices. */
export const ARENA_WINNER: Record<string, string> = {
  a: "model_a",
  b: "model_b",
  tie: "tie",
  bothbad: "tie (bothbad)",
};

/** The surname of an author name: "Stephen E. Robertson" -> "Robertson", "Robertson, S." -> "Robertson". */
function surname(name: string): string {
  const trimmed = name.trim();
  if (trimmed.includes(",")) return trimmed.split(",")[0].trim();
  const parts = trimmed.split(/\s+/);
  return parts[parts.length - 1] ?? trimmed;
}

/** "Robertson 1994", "Robertson and Zaragoza 2009", "Lewis et al. 2020" (SciArena's concise citation). */
export function conciseAuthors(authors: readonly string[], year: number): string {
  const names = authors.filter((a) => a.trim() !== "").map(surname);
  const who =
    names.length === 0
      ? "Anonymous"
      : names.length === 1
        ? names[0]
        : names.length === 2
          ? `${names[0]} and ${names[1]}`
          : `${names[0]} et al.`;
  return `${who} ${year}`;
}

/**
 * The passage numbers an answer cites, in order of first citation, without repeats: "[1]", "[2][3]",
 * "[1, 4]" and "[2-3]" all count. Numbers outside 1..max are ignored.
 */
export function citedNumbers(answer: string, max: number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const m of answer.matchAll(/\[(\d+(?:\s*[-–,]\s*\d+)*)\]/g)) {
    for (const part of m[1].split(",")) {
      const range = part.split(/[-–]/).map((s) => Number(s.trim()));
      const [lo, hi] = range.length === 2 ? range : [range[0], range[0]];
      for (let n = lo; n <= Math.min(hi, lo + 50); n++) {
        if (n >= 1 && n <= max && !seen.has(n)) {
          seen.add(n);
          out.push(n);
        }
      }
    }
  }
  return out;
}

/** The citations of an answer: each cited passage as {concise_authors, content}. */
export function citationsOf(answer: string, passages: readonly ArenaPassage[]): Citation[] {
  const byN = new Map(passages.map((p) => [p.n, p]));
  const max = passages.reduce((m, p) => Math.max(m, p.n), 0);
  return citedNumbers(answer, max).flatMap((n) => {
    const p = byN.get(n);
    return p ? [{ concise_authors: conciseAuthors(p.paper.authors, p.paper.year), content: p.text }] : [];
  });
}

/** The distinct papers behind the passages both models saw, in retrieval order. */
export function paperBankOf(passages: readonly ArenaPassage[]): PaperRef[] {
  const seen = new Set<string>();
  const out: PaperRef[] = [];
  for (const p of passages) {
    if (seen.has(p.paper.id)) continue;
    seen.add(p.paper.id);
    out.push({
      id: p.paper.id,
      title: p.paper.title,
      concise_authors: conciseAuthors(p.paper.authors, p.paper.year),
      year: p.paper.year,
      ...(p.paper.url ? { url: p.paper.url } : {}),
    });
  }
  return out;
}

/**
 * SciArena's question categories, assigned by a keyword rule (the arena does not ask researchers to label
 * their questions). The first rule that matches wins; a question matching none is a conceptual one.
 */
const QUESTION_TYPES: [string, RegExp][] = [
  [
    "Comparative Analysis",
    /\b(compare[sd]?|comparison|versus|vs\.?|differ(ence|ent|s)?\b.*\b(from|between)|better than|trade-?offs?)\b/i,
  ],
  [
    "Challenges & Limitations",
    /\b(challenges?|limitations?|drawbacks?|weakness(es)?|pitfalls?|problems? with|fail(s|ure)?|shortcomings?)\b/i,
  ],
  [
    "State-of-the-Art Assessment",
    /\b(state[- ]of[- ]the[- ]art|sota|latest|recent (advances|work|progress|developments)|current(ly)? best|best[- ]performing)\b/i,
  ],
  [
    "Methodology Inquiry",
    /\b(how (can|do|does|should|to|is|are)|methods?|methodology|approach(es)?|techniques?|algorithms?|implement(ed|ation)?|procedure|measure[sd]?)\b/i,
  ],
  ["Application", /\b(applications?|applied|use cases?|used (for|in)|deploy(ed|ment)?|in practice)\b/i],
];
export const DEFAULT_QUESTION_TYPE = "Conceptual Explanation";

export function questionType(question: string): string {
  for (const [label, re] of QUESTION_TYPES) if (re.test(question)) return label;
  return DEFAULT_QUESTION_TYPE;
}

function parsePassages(json: string): ArenaPassage[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as ArenaPassage[]) : [];
  } catch {
    return [];
  }
}

/** Builds the record of a vote; `voter` is the pseudonym of `row.userId`, computed by the caller. */
export function toEvalRecord(row: ExportRow, voter: string): SciArenaEvalRecord {
  const passages = parsePassages(row.battle.passages);
  const responseA = row.battle.answerA ?? "";
  const responseB = row.battle.answerB ?? "";
  return {
    id: row.battle.id,
    question: row.battle.question,
    responseA,
    responseB,
    modelA: row.battle.modelA.name,
    modelB: row.battle.modelB.name,
    vote: VOTE_LABEL[row.choice] ?? "tie",
    citation_a: citationsOf(responseA, passages),
    citation_b: citationsOf(responseB, passages),
    question_type: questionType(row.battle.question),
    subject: row.battle.subject ?? "",
    paper_bank: paperBankOf(passages),
    tstamp: row.createdAt.getTime() / 1000,
    voter,
  };
}
