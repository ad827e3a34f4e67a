/**
 * The older manifest format (flexolmo-mini/1: router stacked inside attn.onnx) is refused with a
 * message naming the converter, and `convertModelFolder` turns such a folder back into the current
 * format byte for byte. The format-1 folder is made here from the shipped model the way the first
 * exporter laid it out (router [layers, d, experts] and router_bias [layers, experts] initializers).
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import onnxProto from "onnx-proto";
import { convertModelFolder } from "./convert";
import { FlexOlmoError } from "./errors";
import { DEFAULT_MODEL_DIR, loadFlexOlmo } from "./index";
import { type FlexOlmoManifest, OLD_MANIFEST_FORMAT, readVerifiedModel, sha256 } from "./manifest";

const { onnx } = onnxProto;
let dir = "";
let oldDir = "";

function tensor(name: string, data: Float32Array, dims: number[]) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer.slice(0)),
  });
}

/** The shipped model as the first exporter wrote it. */
function writeFormat1(src: string, out: string): void {
  cpSync(src, out, { recursive: true });
  const m = JSON.parse(readFileSync(join(src, "manifest.json"), "utf8")) as FlexOlmoManifest;
  const { layers: L, dModel: d } = m.config;
  const E = m.experts.length;
  const R = new Float32Array(L * d * E);
  const B = new Float32Array(L * E);
  m.experts.forEach((e, ei) => {
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < d; i++) R[l * d * E + i * E + ei] = e.router.rows[l]?.[i] as number;
      B[l * E + ei] = e.router.bias[l] as number;
    }
  });
  const model = onnx.ModelProto.decode(readFileSync(join(src, "attn.onnx")));
  model.graph?.initializer?.push(tensor("router", R, [L, d, E]), tensor("router_bias", B, [L, E]));
  const attn = onnx.ModelProto.encode(model).finish();
  writeFileSync(join(out, "attn.onnx"), attn);
  const old = {
    ...m,
    format: OLD_MANIFEST_FORMAT,
    experts: m.experts.map(({ router, ...e }) => e),
    files: { ...m.files, "attn.onnx": { sha256: sha256(attn), bytes: attn.length } },
  };
  writeFileSync(join(out, "manifest.json"), JSON.stringify(old, null, 2));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "flexolmo-convert-"));
  oldDir = join(dir, "old");
  writeFormat1(DEFAULT_MODEL_DIR, oldDir);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a folder of the older format is refused with a message that names the converter", async () => {
  assert.throws(
    () => readVerifiedModel(oldDir),
    (e: unknown) =>
      e instanceof FlexOlmoError &&
      e.message.includes(`"${OLD_MANIFEST_FORMAT}"`) &&
      e.message.includes(`npm run -s moe -- convert --model ${oldDir}`),
  );
  await assert.rejects(loadFlexOlmo(oldDir), /older format/);
});

test("convert restores the current format byte for byte, and the model runs", async () => {
  const out = join(dir, "converted");
  const m = convertModelFolder(oldDir, out);
  assert.equal(m.experts.length, readVerifiedModel(DEFAULT_MODEL_DIR).manifest.experts.length);
  const names = readdirSync(DEFAULT_MODEL_DIR).filter((f) => f === "manifest.json" || f.endsWith(".onnx"));
  assert.deepEqual(readdirSync(out).sort(), names.sort());
  for (const f of names)
    assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(DEFAULT_MODEL_DIR, f))), `${f} differs`);
  const model = await loadFlexOlmo(out);
  try {
    const r = await model.evaluate("Fellow-Citizens of the Senate and of the House of Representatives", {});
    assert.ok(Number.isFinite(r.bitsPerByte) && r.bitsPerByte > 0);
  } finally {
    await model.release();
  }
});

test("convert refuses a current folder, a non-empty target, and a corrupted file, writing nothing", () => {
  assert.throws(() => convertModelFolder(DEFAULT_MODEL_DIR, join(dir, "x")), /already in format/);
  const busy = join(dir, "busy");
  mkdirSync(busy);
  writeFileSync(join(busy, "keep.txt"), "mine");
  assert.throws(() => convertModelFolder(oldDir, busy), /not empty/);
  assert.deepEqual(readdirSync(busy), ["keep.txt"]);
  const broken = join(dir, "broken");
  cpSync(oldDir, broken, { recursive: true });
  const f = join(broken, "expert-code.onnx");
  const bytes = readFileSync(f);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(f, bytes);
  assert.throws(() => convertModelFolder(broken, join(dir, "never")), /corrupted: .*expert-code\.onnx/);
  assert.ok(!readdirSync(dir).some((n) => n === "never" || n.endsWith(".converting")));
});
