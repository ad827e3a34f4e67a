/**
 * Writes a large corpus of real text for `bench:scale` (JSONL, one document per file) from what this
 * machine has installed: the project's own node_modules (pinned by package-lock.json, so `npm ci` gives
 * every clone the same files), three pinned npm packages installed into a scratch folder outside the repo
 * (EXTRA_PACKAGES; only their own folders are read), then Debian's C headers, Python and Perl libraries,
 * package documentation and manual pages (gzip files are decompressed). Deterministic for the same installed files: folders are
 * walked in sorted order, symbolic links are not followed, byte-identical files are kept once, and only
 * files that are valid UTF-8 without NUL bytes (text, not binaries) of at most 4 MiB are taken.
 *
 * Domains by kind of file: "code" (program sources and headers), "docs" (Markdown, plain text, manual
 * pages, HTML) and "data" (JSON, YAML, CSV).
 *
 *   npx tsx bench/make-big-corpus.ts [--out /work/scratch/big.jsonl] [--npm-dir /work/scratch/corpus-npm]
 *                                    [--min-mb 1000] [--max-mb N]
 *
 * Stops adding files once the documents' text reaches --max-mb (default: no limit) and fails when it
 * ends below --min-mb (default 1000, i.e. 1 GB).
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

/** Installed with `npm install --ignore-scripts` into --npm-dir when missing. */
const EXTRA_PACKAGES = ["aws-sdk@2.1692.0", "three@0.170.0", "monaco-editor@0.52.2"];

const ROOTS = (npmDir: string) => [
  "node_modules",
  ...EXTRA_PACKAGES.map((p) => join(npmDir, "node_modules", p.slice(0, p.lastIndexOf("@")))),
  "/usr/include",
  "/usr/lib/python3",
  "/usr/lib/python3.11",
  "/usr/share/perl",
  "/usr/share/perl5",
  "/usr/share/doc",
  "/usr/share/man",
  "/usr/share/info",
];

const CODE = /\.(js|mjs|cjs|jsx|ts|mts|cts|tsx|py|pm|pl|h|hh|hpp|hxx|c|cc|cpp|inc|css|scss|sh|rs|go|java)$/;
const DOCS =
  /\.(md|markdown|txt|rst|html?|texi|info|[1-9][a-z]*|tex)$|(^|\/)(README|CHANGELOG|CHANGES|NEWS|LICENSE|COPYING|AUTHORS|copyright|changelog[^/]*)$/i;
const DATA = /\.(json|ya?ml|csv|tsv|xml|toml)$/;
const MAX_FILE = 4 * 1024 * 1024;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** Files under root, sorted, without following symbolic links. */
function* walk(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (name === ".cache" || name === ".git") continue;
      yield* walk(path);
    } else if (st.isFile()) yield path;
  }
}

function domainOf(path: string): string | null {
  const p = path.replace(/\.gz$/, "");
  if (p.endsWith(".map") || p.endsWith(".min.js")) return null;
  if (CODE.test(p)) return "code";
  if (DATA.test(p)) return "data";
  if (DOCS.test(p) || p.includes("/man/")) return "docs";
  return null;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function main(): void {
  const out = resolve(arg("--out", "/work/scratch/big.jsonl"));
  const minBytes = Number(arg("--min-mb", "1000")) * 1e6;
  const maxBytes = Number(arg("--max-mb", "Infinity")) * 1e6;
  const npmDir = resolve(arg("--npm-dir", "/work/scratch/corpus-npm"));
  if (!existsSync(join(npmDir, "node_modules", "three"))) {
    mkdirSync(npmDir, { recursive: true });
    writeFileSync(join(npmDir, "package.json"), '{"name":"big-corpus-sources","private":true}\n');
    execFileSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", ...EXTRA_PACKAGES], {
      cwd: npmDir,
      stdio: "inherit",
    });
  }
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  const seen = new Set<string>();
  const byDomain: Record<string, number> = {};
  let textBytes = 0;
  let docs = 0;
  let pending: string[] = [];
  let pendingLen = 0;
  const flush = () => {
    writeSync(fd, pending.join(""));
    pending = [];
    pendingLen = 0;
  };
  outer: for (const root of ROOTS(npmDir)) {
    for (const path of walk(root)) {
      const domain = domainOf(path);
      if (!domain) continue;
      let raw: Buffer;
      try {
        if (lstatSync(path).size > MAX_FILE) continue;
        raw = readFileSync(path);
        if (path.endsWith(".gz")) raw = gunzipSync(raw);
      } catch {
        continue;
      }
      if (raw.length === 0 || raw.length > MAX_FILE || raw.includes(0)) continue;
      let text: string;
      try {
        text = utf8.decode(raw);
      } catch {
        continue; // not UTF-8: a binary file
      }
      const digest = createHash("sha1").update(raw).digest("hex");
      if (seen.has(digest)) continue;
      seen.add(digest);
      const id = path.startsWith(npmDir) ? relative(npmDir, path) : path;
      const line = `${JSON.stringify({ id, domain, text, meta: { path: id, bytes: raw.length } })}\n`;
      pending.push(line);
      pendingLen += line.length;
      if (pendingLen > 16 << 20) flush();
      docs++;
      textBytes += raw.length;
      byDomain[domain] = (byDomain[domain] ?? 0) + raw.length;
      if (textBytes >= maxBytes) break outer;
    }
  }
  flush();
  closeSync(fd);
  if (textBytes < minBytes) {
    console.error(
      `only ${(textBytes / 1e6).toFixed(1)} MB of text found (wanted ${minBytes / 1e6} MB); output left at ${tmp}`,
    );
    process.exit(1);
  }
  renameSync(tmp, out);
  const domains = Object.entries(byDomain)
    .map(([d, b]) => `${d} ${(b / 1e6).toFixed(1)} MB`)
    .join(", ");
  console.log(`${out}: ${docs} documents, ${(textBytes / 1e6).toFixed(1)} MB of text (${domains})`);
}

main();
