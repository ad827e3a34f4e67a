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
}

export interface FlexOlmoManifest {
  format: "flexolmo-mini/1";
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
  if (manifest.format !== "flexolmo-mini/1" || !Array.isArray(manifest.experts) || !manifest.files) {
    throw new FlexOlmoError("MODEL_FILE_CORRUPTED", `FlexOlmo manifest ${mPath} has an unknown format`, {
      path: mPath,
    });
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, meta] of Object.entries(manifest.files)) {
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
  return { manifest, files };
}
