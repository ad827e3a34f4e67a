/**
 * A data owner's expert as one file, and its installation into (or removal from) a model folder.
 *
 * Package layout (`*.expert`), weights only, never text:
 *   "FLEXOLMO-EXPERT\n"  16 bytes
 *   u32 LE               length H of the header
 *   header               H bytes of UTF-8 JSON (ExpertPackageHeader): the base model's identity,
 *                        the expert's manifest entry (router rows and biases, held-out bits per
 *                        byte with and without it) and the owner's data statement
 *   ONNX                 the expert's feed-forward file (header.onnx.bytes bytes)
 *   SHA-256              32 bytes over everything before
 *
 * Installing writes the expert's file, then replaces manifest.json by rename; removing replaces
 * manifest.json by rename, then deletes the file. Either way a crash leaves the old or the new
 * model (the manifest names exactly the files of one of them; at worst an unreferenced expert file
 * is left over), and a lock file keeps two changes from interleaving. Removing an installed
 * expert restores every file of the folder byte for byte.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { EngineError } from "../errors";
import type { ModelConfig } from "./config";
import { PUBLIC_DOMAIN } from "./config";
import {
  baseModelId,
  type ExpertContribution,
  type ExpertManifest,
  type FlexOlmoManifest,
  isRouterOf,
  readVerifiedModel,
  sha256,
} from "./manifest";
import { expertFfnFromBytes } from "./onnx-weights";

export const PACKAGE_MAGIC = "FLEXOLMO-EXPERT\n";
export const PACKAGE_FORMAT = "flexolmo-expert/1";
const MAX_HEADER_BYTES = 4 << 20;

/** What the package says about the expert: its manifest entry without the file name or install time. */
export type PackagedExpert = Omit<ExpertManifest, "file" | "contribution">;

export interface ExpertPackageHeader {
  format: typeof PACKAGE_FORMAT;
  /** The public model the expert was trained against (baseModelId of its manifest). */
  base: { id: string; name: string; config: ModelConfig };
  expert: PackagedExpert;
  contribution: Omit<ExpertContribution, "packageSha256" | "installedAt">;
  onnx: { bytes: number; sha256: string };
}

export interface ExpertPackage {
  header: ExpertPackageHeader;
  onnx: Uint8Array;
  /** SHA-256 of the whole package file. */
  sha256: string;
}

/** Why a package or a model change was refused (the CLI prints the message; the app maps the code). */
export type PackageErrorCode =
  | "NOT_A_PACKAGE"
  | "TRUNCATED"
  | "CORRUPT"
  | "OTHER_BASE"
  | "BAD_NAME"
  | "ALREADY_INSTALLED"
  | "NOT_INSTALLED"
  | "PUBLIC_EXPERT"
  | "BUSY";

export class ExpertPackageError extends EngineError<PackageErrorCode> {
  constructor(code: PackageErrorCode, message: string) {
    super("ExpertPackageError", code, message);
  }
}

/** Names usable as `flexolmo-<name>` / `flexolmo-no-<name>`: lowercase letters, digits, dashes. */
export const EXPERT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const RESERVED = new Set([PUBLIC_DOMAIN, "all"]);

/** Null when `name` can name a new expert, else why not. */
export function expertNameProblem(name: string): string | null {
  if (!EXPERT_NAME.test(name))
    return `expert name "${name}" must be 1-32 characters: a lowercase letter, then lowercase letters, digits or dashes`;
  if (RESERVED.has(name) || name.startsWith("no-"))
    return `expert name "${name}" is reserved (the API names flexolmo-all, flexolmo-public and flexolmo-no-<name>)`;
  return null;
}

export function encodePackage(header: ExpertPackageHeader, onnx: Uint8Array): Uint8Array {
  const head = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length, 0);
  const body = Buffer.concat([Buffer.from(PACKAGE_MAGIC, "ascii"), len, head, onnx]);
  const digest = createHash("sha256").update(body).digest();
  return new Uint8Array(Buffer.concat([body, digest]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses and verifies a package (magic, length, checksum, header shape, ONNX checksum and shapes). */
export function decodePackage(bytes: Uint8Array, label = "package"): ExpertPackage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = Buffer.from(PACKAGE_MAGIC, "ascii");
  if (buf.length < magic.length || !buf.subarray(0, magic.length).equals(magic)) {
    if (buf.length < magic.length && magic.subarray(0, buf.length).equals(buf))
      throw new ExpertPackageError("TRUNCATED", `${label} is truncated: ${buf.length} bytes`);
    throw new ExpertPackageError(
      "NOT_A_PACKAGE",
      `${label} is not a FlexOlmo expert package (it does not start with "FLEXOLMO-EXPERT")`,
    );
  }
  const fixed = magic.length + 4;
  if (buf.length < fixed)
    throw new ExpertPackageError("TRUNCATED", `${label} is truncated: ${buf.length} bytes`);
  const hl = buf.readUInt32LE(magic.length);
  if (hl > MAX_HEADER_BYTES)
    throw new ExpertPackageError("CORRUPT", `${label} is corrupt: header length ${hl} bytes is implausible`);
  if (buf.length < fixed + hl + 32)
    throw new ExpertPackageError(
      "TRUNCATED",
      `${label} is truncated: ${buf.length} bytes, its header alone needs ${fixed + hl + 32}`,
    );
  let header: ExpertPackageHeader;
  try {
    header = JSON.parse(buf.subarray(fixed, fixed + hl).toString("utf8")) as ExpertPackageHeader;
  } catch {
    throw new ExpertPackageError("CORRUPT", `${label} is corrupt: its header is not valid JSON`);
  }
  const onnxBytes = isRecord(header) && isRecord(header.onnx) ? Number(header.onnx.bytes) : Number.NaN;
  if (!Number.isInteger(onnxBytes) || onnxBytes < 0)
    throw new ExpertPackageError("CORRUPT", `${label} is corrupt: its header gives no ONNX size`);
  const expected = fixed + hl + onnxBytes + 32;
  if (buf.length < expected)
    throw new ExpertPackageError(
      "TRUNCATED",
      `${label} is truncated: ${buf.length} bytes, the package declares ${expected}`,
    );
  if (buf.length > expected)
    throw new ExpertPackageError(
      "CORRUPT",
      `${label} is corrupt: ${buf.length - expected} bytes after the end the package declares`,
    );
  const digest = createHash("sha256")
    .update(buf.subarray(0, expected - 32))
    .digest();
  if (!digest.equals(buf.subarray(expected - 32)))
    throw new ExpertPackageError("CORRUPT", `${label} is corrupt: its SHA-256 checksum does not match`);
  if (header.format !== PACKAGE_FORMAT)
    throw new ExpertPackageError(
      "NOT_A_PACKAGE",
      `${label} has format ${JSON.stringify(header.format)}, this version reads "${PACKAGE_FORMAT}"`,
    );
  const onnx = new Uint8Array(buf.subarray(fixed + hl, fixed + hl + onnxBytes));
  checkHeader(header, onnx, label);
  return {
    header,
    onnx,
    sha256: createHash("sha256").update(buf).digest("hex"),
  };
}

function checkHeader(h: ExpertPackageHeader, onnx: Uint8Array, label: string): void {
  const bad = (why: string) => new ExpertPackageError("CORRUPT", `${label} is corrupt: ${why}`);
  if (!isRecord(h.base) || typeof h.base.id !== "string" || !isRecord(h.base.config))
    throw bad("no base model identity");
  if (!isRecord(h.expert) || typeof h.expert.id !== "string") throw bad("no expert entry");
  if (!isRecord(h.contribution)) throw bad("no data statement");
  if (sha256(onnx) !== h.onnx.sha256) throw bad("the expert's ONNX file does not match its checksum");
  const cfg = h.base.config as ModelConfig;
  if (!isRouterOf(h.expert.router, cfg))
    throw bad(`the router is not ${cfg.layers} rows of ${cfg.dModel} numbers and ${cfg.layers} biases`);
  try {
    expertFfnFromBytes(onnx, cfg, "the expert's ONNX file");
  } catch (e) {
    throw bad((e as Error).message);
  }
}

export function readPackage(path: string): ExpertPackage {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new ExpertPackageError("NOT_A_PACKAGE", `cannot read ${path}: ${(e as Error).message}`);
  }
  return decodePackage(bytes, path);
}

/** Writes `data` to `path` through a temporary file, flushed to disk, then renamed over it. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

const LOCK = ".manifest.lock";
/** A lock older than this is left over from a crashed change and is taken over. */
const STALE_LOCK_MS = 10 * 60 * 1000;

function withLock<T>(dir: string, fn: () => T): T {
  const path = join(dir, LOCK);
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const age = Date.now() - statSync(path).mtimeMs;
    if (age < STALE_LOCK_MS)
      throw new ExpertPackageError(
        "BUSY",
        `another install or removal is changing ${dir} (lock ${path}, ${Math.round(age / 1000)} s old)`,
      );
    unlinkSync(path);
    fd = openSync(path, "wx");
  }
  try {
    writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
    return fn();
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}

/** The manifest as the folder stores it: JSON with two-space indentation. */
export function manifestText(m: FlexOlmoManifest): string {
  return JSON.stringify(m, null, 2);
}

/** Installs a package into a model folder (see the file header). Returns the new manifest entry. */
export function installExpert(pkg: ExpertPackage, modelDir: string, now: Date = new Date()): ExpertManifest {
  return withLock(modelDir, () => {
    const { manifest } = readVerifiedModel(modelDir);
    const { header } = pkg;
    const base = baseModelId(manifest);
    if (header.base.id !== base)
      throw new ExpertPackageError(
        "OTHER_BASE",
        `the package was built against another base model (${header.base.name}, id ${header.base.id.slice(0, 12)}); ${modelDir} is ${manifest.name}, id ${base.slice(0, 12)}. Retrain the expert against this model`,
      );
    const id = header.expert.id;
    const problem = expertNameProblem(id);
    if (problem) throw new ExpertPackageError("BAD_NAME", problem);
    if (manifest.experts.some((e) => e.id === id))
      throw new ExpertPackageError(
        "ALREADY_INSTALLED",
        `an expert named "${id}" is already installed in ${modelDir}; remove it first`,
      );
    const file = `expert-${id}.onnx`;
    if (manifest.files[file])
      throw new ExpertPackageError("ALREADY_INSTALLED", `${modelDir} already lists a file ${file}`);
    const entry: ExpertManifest = {
      ...header.expert,
      file,
      contribution: { ...header.contribution, packageSha256: pkg.sha256, installedAt: now.toISOString() },
    };
    const next: FlexOlmoManifest = {
      ...manifest,
      experts: [...manifest.experts, entry],
      files: { ...manifest.files, [file]: { sha256: header.onnx.sha256, bytes: header.onnx.bytes } },
    };
    writeFileAtomic(join(modelDir, file), pkg.onnx);
    writeFileAtomic(join(modelDir, "manifest.json"), manifestText(next));
    return entry;
  });
}

/** Removes an expert (never the public one) from a model folder. Returns the removed entry. */
export function removeExpert(name: string, modelDir: string): ExpertManifest {
  return withLock(modelDir, () => {
    const { manifest } = readVerifiedModel(modelDir);
    const i = manifest.experts.findIndex((e) => e.id === name);
    if (i < 0)
      throw new ExpertPackageError(
        "NOT_INSTALLED",
        `no expert named "${name}" in ${modelDir} (installed: ${manifest.experts.map((e) => e.id).join(", ")})`,
      );
    if (i === 0 || name === PUBLIC_DOMAIN)
      throw new ExpertPackageError(
        "PUBLIC_EXPERT",
        "the public expert is the shared model; it cannot be removed",
      );
    const entry = manifest.experts[i] as ExpertManifest;
    const files = { ...manifest.files };
    delete files[entry.file];
    const next: FlexOlmoManifest = {
      ...manifest,
      experts: manifest.experts.filter((_, j) => j !== i),
      files,
    };
    writeFileAtomic(join(modelDir, "manifest.json"), manifestText(next));
    const p = join(modelDir, entry.file);
    if (existsSync(p)) unlinkSync(p);
    return entry;
  });
}
