/**
 * `npm run -s moe -- convert --model OLD --out NEW`: a model folder of the first manifest format
 * ("flexolmo-mini/1": every expert's router row and bias stacked inside attn.onnx as `router`
 * [layers, d, experts] and `router_bias` [layers, experts]) rewritten as the current format (router
 * rows and biases per expert in the manifest, attn.onnx without them), so experts can be installed
 * and removed. Weights are copied exactly: the converted model computes the same outputs.
 * The new folder is built beside NEW and renamed into place, so a crash leaves no half folder.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { FlexOlmoError } from "./errors";
import { buildAttnGraph } from "./export";
import {
  type ExpertManifest,
  type FlexOlmoManifest,
  MANIFEST_FORMAT,
  OLD_MANIFEST_FORMAT,
  sha256,
  verifiedFiles,
} from "./manifest";
import { publicWeights, readInitializers } from "./onnx-weights";
import { manifestText } from "./package";

type OldManifest = Omit<FlexOlmoManifest, "format" | "experts"> & {
  format: typeof OLD_MANIFEST_FORMAT;
  experts: Omit<ExpertManifest, "router">[];
};

export function convertModelFolder(src: string, out: string): FlexOlmoManifest {
  const mPath = join(src, "manifest.json");
  if (!existsSync(mPath))
    throw new FlexOlmoError("MODEL_FILE_MISSING", `${mPath} does not exist`, { path: mPath });
  let old: OldManifest;
  try {
    old = JSON.parse(readFileSync(mPath, "utf8")) as OldManifest;
  } catch (err) {
    throw new FlexOlmoError("MODEL_FILE_CORRUPTED", `${mPath} is not valid JSON: ${(err as Error).message}`, {
      path: mPath,
    });
  }
  if ((old.format as string) === MANIFEST_FORMAT)
    throw new FlexOlmoError(
      "INVALID_ARGUMENT",
      `${src} is already in format "${MANIFEST_FORMAT}"; nothing to convert`,
    );
  if (old.format !== OLD_MANIFEST_FORMAT || !Array.isArray(old.experts) || !old.files || !old.config)
    throw new FlexOlmoError(
      "MODEL_FILE_CORRUPTED",
      `${mPath} has format ${JSON.stringify(old.format)}; only "${OLD_MANIFEST_FORMAT}" folders can be converted`,
      { path: mPath },
    );
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new FlexOlmoError("INVALID_ARGUMENT", `${out} exists and is not empty; choose a new folder`);
  if (resolve(out) === resolve(src))
    throw new FlexOlmoError("INVALID_ARGUMENT", "--out must differ from --model");
  const files = verifiedFiles(src, old.files);
  const cfg = old.config;
  const { layers: L, dModel: d } = cfg;
  const E = old.experts.length;
  const attnBytes = files.get("attn.onnx");
  if (!attnBytes) throw new FlexOlmoError("MODEL_FILE_MISSING", `${src} lists no attn.onnx`);
  const init = readInitializers(attnBytes, "attn.onnx");
  const R = init.get("router");
  const B = init.get("router_bias");
  if (!R || R.length !== L * d * E || !B || B.length !== L * E)
    throw new FlexOlmoError(
      "MODEL_FILE_CORRUPTED",
      `attn.onnx of ${src} holds no router for ${E} experts (expected "router" [${L}, ${d}, ${E}] and "router_bias" [${L}, ${E}])`,
    );
  const experts: ExpertManifest[] = old.experts.map((e, ei) => {
    const rows: number[][] = [];
    const bias: number[] = [];
    for (let l = 0; l < L; l++) {
      const row: number[] = [];
      // R[l] is [d, E]: column ei is expert ei's row.
      for (let i = 0; i < d; i++) row.push(R[l * d * E + i * E + ei] as number);
      rows.push(row);
      bias.push(B[l * E + ei] as number);
    }
    return { ...e, router: { rows, bias } };
  });
  const manifest: FlexOlmoManifest = { ...old, format: MANIFEST_FORMAT, experts };
  const attn = buildAttnGraph(cfg, publicWeights(manifest, files));
  manifest.files = { ...old.files, "attn.onnx": { sha256: sha256(attn), bytes: attn.length } };
  const tmp = join(dirname(resolve(out)), `.${Date.now()}-${process.pid}.converting`);
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, bytes] of files) writeFileSync(join(tmp, name), name === "attn.onnx" ? attn : bytes);
    writeFileSync(join(tmp, "manifest.json"), manifestText(manifest));
    if (existsSync(out)) rmSync(out, { recursive: true });
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return manifest;
}
