/**
 * The docs name only things that exist. Reads README.md, docs/*.md and bench/README.md and checks, for every
 * inline code span:
 * - a repository path (`lib/env.ts`, `engine/fm/`, `e2e/arena.spec.ts:12`) exists;
 * - `npm run X` / `npm run -s X` names a script of package.json, and for the project's own CLIs
 *   (`engine`, `admin`, `moe`, `ratings`) the subcommand after `--` is one the CLI's source accepts;
 * - a camelCase function name (`samplePair`, `buildFmIndex()`) is declared somewhere in the source;
 * - an environment variable in README's configuration table is read by `lib/env.ts` (or the scripts).
 * Generated folders (data/, dist/, .next/) and placeholders (`<dir>`, `X`, `...`) are not checked.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = join(import.meta.dirname, "..");
const DOCS = [
  "README.md",
  "bench/README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const TOP_DIRS = [
  "app",
  "lib",
  "engine",
  "server",
  "prisma",
  "e2e",
  "bench",
  "scripts",
  "models",
  "docs",
  "public",
  ".ci",
];
const GENERATED = ["data/", "dist/", ".next/", "node_modules/", "lib/db/generated", "bench/out", ".e2e-data"];
const SOURCE_DIRS = ["app", "lib", "engine", "server", "scripts", "bench", "e2e"];

/** Inline code spans of a Markdown file, with their line numbers (fenced blocks skipped). */
function codeSpans(file: string): { text: string; line: number }[] {
  const spans: { text: string; line: number }[] = [];
  let fenced = false;
  readFileSync(join(ROOT, file), "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trimStart().startsWith("```")) {
        fenced = !fenced;
        return;
      }
      if (fenced) return;
      for (const m of line.matchAll(/`([^`]+)`/g)) spans.push({ text: m[1], line: i + 1 });
    });
  return spans;
}

const allSpans = DOCS.flatMap((file) => codeSpans(file).map((s) => ({ ...s, file })));
const where = (s: { file: string; line: number }) => `${s.file}:${s.line}`;

/** A span that is a path into the repository, or null. Trailing `:line`, `#anchor` and punctuation dropped. */
function repoPath(text: string): string | null {
  const t = text
    .trim()
    .replace(/[#:].*$/, "")
    .replace(/[),.;]+$/, "");
  if (/\s|[<>*{}|$]|\.\.\./.test(t)) return null;
  if (GENERATED.some((g) => t.startsWith(g))) return null;
  const top = t.split("/")[0];
  if (!t.includes("/") || !TOP_DIRS.includes(top)) return null;
  return t;
}

test("every repository path the docs name exists", () => {
  const named = allSpans.map((s) => ({ s, path: repoPath(s.text) })).filter(({ path }) => path !== null);
  assert.ok(named.length >= 30, `expected the docs to name many paths, found ${named.length}`);
  const missing = named
    .filter(({ path }) => !existsSync(join(ROOT, path as string)))
    .map(({ s, path }) => `${where(s)}: ${path}`);
  assert.deepEqual(missing, [], `paths named in the docs that do not exist:\n${missing.join("\n")}`);
});

const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;

/** The source file of a project CLI run through npm, for checking its subcommands. */
function cliSource(script: string): string | null {
  const m = /^tsx (\S+\.ts)/.exec(scripts[script] ?? "");
  return m ? readFileSync(join(ROOT, m[1]), "utf8") : null;
}

test("every npm command the docs name is a script, with a subcommand its CLI accepts", () => {
  const problems: string[] = [];
  for (const s of allSpans) {
    for (const m of s.text.matchAll(/npm run (?:-s )?([\w:.-]+)(?: -- ([\w-]+)(?: ([\w-]+))?)?/g)) {
      const [, script, sub, sub2] = m;
      if (!(script in scripts)) {
        problems.push(`${where(s)}: npm run ${script} is not a script of package.json`);
        continue;
      }
      const source = cliSource(script);
      if (!source || !sub || sub.startsWith("-")) continue;
      // A CLI accepts a subcommand it compares against or lists in its usage text.
      const names = sub2 && !sub2.startsWith("-") && /^[a-z]+$/.test(sub2) ? [sub, sub2] : [sub];
      for (const name of names) {
        if (!new RegExp(`["'\`|\\s]${name}["'\`|\\s]`).test(source)) {
          problems.push(`${where(s)}: "${name}" is not a command of npm run ${script}`);
        }
      }
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "generated") continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|tsx|js|cjs|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

const allSource = SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");

/** Names of the platform and of libraries that the docs mention beside our own. */
const EXTERNAL_NAMES = new Set([
  "globalThis",
  "getServerSession",
  "useActionState",
  "revalidatePath",
  "signOut",
]);

test("every function name the docs give is declared in the source", () => {
  const missing = new Set<string>();
  for (const s of allSpans) {
    const m = /^([a-z]+[A-Z]\w*)(\(\))?$/.exec(s.text.trim());
    if (!m || EXTERNAL_NAMES.has(m[1])) continue;
    const name = m[1];
    const declared = new RegExp(
      `(function\\*?\\s+${name}\\b|(const|let|class)\\s+${name}\\b|\\b${name}\\s*[(:=]|\\b${name}\\s*<)`,
    );
    if (!declared.test(allSource)) missing.add(`${where(s)}: ${name}`);
  }
  assert.deepEqual(
    [...missing],
    [],
    `names in the docs that the source does not declare:\n${[...missing].join("\n")}`,
  );
});

test("every variable of README's configuration table is read by the app", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const table = readme.slice(
    readme.indexOf("## Configuration"),
    readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5),
  );
  const vars = new Set(
    [...table.matchAll(/^\|\s*(`[A-Z][A-Z0-9_]+`(?:,\s*`[A-Z][A-Z0-9_]+`)*)/gm)].flatMap((m) =>
      [...m[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((v) => v[1]),
    ),
  );
  assert.ok(vars.size >= 5, `expected README's configuration table to list variables, found ${vars.size}`);
  const unread = [...vars].filter((v) => !new RegExp(`\\b${v}\\b`).test(allSource));
  assert.deepEqual(unread, [], `variables in README's table that no source file reads: ${unread.join(", ")}`);
});
