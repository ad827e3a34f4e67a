import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelConfig } from "./config";
import { FlexOlmoError } from "./errors";

export interface ExpertManifest {
  /** Stable id used in requests, e.g. "public", "code". */
  id: string;
  /** Corpus domain whose training data this expert saw. */
  domain: string;
  /** What data it saw, for the playground and the experts page. */
  description: string;
  /** Training documents of its domain. */
  documents: number;
  heldoutDocuments: number;
  trainingSteps: number;
  trainingTokens: number;
  /** ONNX file with this expert's FFN for every layer. */
  file: string;
  /** Held-out bits per byte on its own domain: public model alone vs public + this expert. */
  heldout: { publicOnlyBitsPerByte: number; withExpertBitsPerByte: number };
  /**
   * The expert's router: per layer its row (dModel numbers, unit length) and bias (0 for the
   * public expert). Token x at layer l gets logit x . rows[l] + bias[l].
   */
  router: { rows: number[][]; bias: number[] };
  /** Set for an expert installed from a data owner's package (`moe expert install`). */
  contribution?: ExpertContribution;
}

/** What a data owner states about an installed expert, and where it came from. */
export interface ExpertContribution {
  /** Who trained and contributed it, as the owner states it. */
  contributor: string;
  /** The training data's licence, as the owner states it. */
  licence: string;
  /** Free-text data statement (what the data is, how it was collected), as the owner states it. */
  statement: string;
  /** Size of the owner's file: documents and UTF-8 bytes of text (training + held-out). */
  dataDocuments: number;
  dataBytes: number;
  /** SHA-256 of the package file it was installed from. */
  packageSha256: string;
  /** When the package was built (ISO time) and when it was installed. */
  createdAt: string;
  installedAt: string;
}

export const MANIFEST_FORMAT = "flexolmo-mini/2";
/** The first format: no router in the manifest; attn.onnx held every expert's rows and biases. */
export const OLD_MANIFEST_FORMAT = "flexolmo-mini/1";

export interface FlexOlmoManifest {
  format: typeof MANIFEST_FORMAT;
  name: string;
  config: ModelConfig;
  /** Manifest order = router column order; experts[0] is the public expert. */
  experts: ExpertManifest[];
  defaultTopK: number;
  files: Record<string, { sha256: string; bytes: number }>;
  training: Record<string, unknown>;
  createdAt: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Reads the manifest and every file it lists, verifying sizes and SHA-256 checksums. */
export function readVerifiedModel(dir: string): {
  manifest: FlexOlmoManifest;
  files: Map<string, Uint8Array>;
} {
  const mPath = join(dir, "manifest.json");
  if (!existsSync(mPath)) {
    throw new FlexOlmoError(
      "MODEL_FILE_MISSING",
      `FlexOlmo model not found: ${mPath} does not exist (run \`npm run train\`)`,
      {
        path: mPath,
      },
    );
  }
  let manifest: FlexOlmoManifest;
  try {
    manifest = JSON.parse(readFileSync(mPath, "utf8")) as FlexOlmoManifest;
  } catch (err) {
    throw new FlexOlmoError(
      "MODEL_FILE_CORRUPTED",
      `FlexOlmo manifest ${mPath} is not valid JSON: ${(err as Error).message}`,
      {
        path: mPath,
      },
    );
  }
  if ((manifest.format as string) === OLD_MANIFEST_FORMAT) {
    throw new FlexOlmoError(
      "MODEL_FILE_CORRUPTED",
      `FlexOlmo manifest ${mPath} is in the older format "${OLD_MANIFEST_FORMAT}" (router rows inside attn.onnx); this version reads "${MANIFEST_FORMAT}": convert the folder with \`npm run -s moe -- convert --model ${dir} --out NEW_DIR\` (same weights, same outputs)`,
      { path: mPath },
    );
  }
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.experts) || !manifest.files) {
    throw new FlexOlmoError(
      "MODEL_FILE_CORRUPTED",
      `FlexOlmo manifest ${mPath} has format ${JSON.stringify(manifest.format)}, expected "${MANIFEST_FORMAT}" (run \`npm run train\`)`,
      { path: mPath },
    );
  }
  for (const e of manifest.experts) checkRouter(e, manifest.config, mPath);
  return { manifest, files: verifiedFiles(dir, manifest.files) };
}

/** Every file of a manifest's `files` table, checked against its size and SHA-256. */
export function verifiedFiles(
  dir: string,
  table: Record<string, { sha256: string; bytes: number }>,
): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const [name, meta] of Object.entries(table)) {
    const p = join(dir, name);
    if (!existsSync(p)) {
      throw new FlexOlmoError("MODEL_FILE_MISSING", `FlexOlmo model file missing: ${p}`, { path: p });
    }
    const bytes = new Uint8Array(readFileSync(p));
    const digest = sha256(bytes);
    if (bytes.length !== meta.bytes || digest !== meta.sha256) {
      throw new FlexOlmoError(
        "MODEL_FILE_CORRUPTED",
        `FlexOlmo model file corrupted: ${p} (sha256 ${digest.slice(0, 12)}..., ${bytes.length} bytes; manifest expects ${meta.sha256.slice(0, 12)}..., ${meta.bytes} bytes)`,
        { path: p },
      );
    }
    files.set(name, bytes);
  }
  return files;
}

/** Whether `r` is a router of `cfg`'s shape: per layer a row of dModel finite numbers and a finite bias. */
export function isRouterOf(r: unknown, cfg: ModelConfig): boolean {
  if (typeof r !== "object" || r === null) return false;
  const { rows, bias } = r as { rows?: unknown; bias?: unknown };
  return (
    Array.isArray(rows) &&
    Array.isArray(bias) &&
    rows.length === cfg.layers &&
    bias.length === cfg.layers &&
    rows.every((row) => Array.isArray(row) && row.length === cfg.dModel && row.every(Number.isFinite)) &&
    bias.every(Number.isFinite)
  );
}

function checkRouter(e: ExpertManifest, cfg: ModelConfig, where: string): void {
  const ok = isRouterOf(e.router, cfg);
  if (!ok) {
    throw new FlexOlmoError(
      "MODEL_FILE_CORRUPTED",
      `${where}: expert "${e.id}" has no valid router (${cfg.layers} rows of ${cfg.dModel} numbers and ${cfg.layers} biases)`,
      { path: where, expert: e.id },
    );
  }
}

/** Files every expert shares: the public model outside the experts' feed-forward layers. */
export const SHARED_FILES = ["embed.onnx", "attn.onnx", "head.onnx"] as const;

/**
 * Identity of the public (base) model an expert is trained against: SHA-256 over the
 * configuration, the shared files' checksums, the public expert's file checksum and router.
 * Installing or removing closed experts leaves it unchanged; retraining the public model changes it.
 */
export function baseModelId(manifest: FlexOlmoManifest): string {
  const pub = manifest.experts[0];
  if (!pub) throw new FlexOlmoError("MODEL_FILE_CORRUPTED", "manifest lists no experts");
  const canonical = JSON.stringify({
    config: manifest.config,
    shared: SHARED_FILES.map((f) => manifest.files[f]?.sha256 ?? ""),
    public: manifest.files[pub.file]?.sha256 ?? "",
    router: pub.router,
  });
  return createHash("sha256").update(canonical).digest("hex");
}
