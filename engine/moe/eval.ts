/**
 * The evaluation table (`npm run -s moe -- eval --model DIR [--json]`; `npm run -s eval:moe` also
 * writes models/flexolmo-mini/eval.json + eval.md): held-out bits per byte on every domain for
 * public only, public + each expert, all experts, all minus each (opt-out) and the weight-averaged
 * dense model, with the FlexOlmo paper's claims checked against these numbers.
 * Held-out text comes from <work>/domains (written by `npm run train`); when absent it is
 * re-derived from the corpus with the same deterministic split (heldoutForModel).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { averagedFfnSession } from "./baseline";
import { PUBLIC_DOMAIN } from "./config";
import { readOwnerData } from "./contribute";
import { prepareDomainFolders } from "./data";
import type { FlexOlmo } from "./index";
import type { FlexOlmoManifest } from "./manifest";

export interface EvalRow {
  name: string;
  kind: "public" | "public+expert" | "all" | "all-minus" | "averaged";
  /** Enabled experts (public always on); for "averaged", the experts whose weights were averaged. */
  experts: string[];
  bitsPerByte: Record<string, number>;
  mean: number;
  /** Per domain, the mean routing weight each enabled expert received (empty for the dense baseline). */
  routingShare: Record<string, Record<string, number>>;
}

export interface Claim {
  claim: string;
  holds: boolean;
  detail: string;
}

export interface EvalReport {
  createdAt: string;
  topK: number;
  heldoutBytes: Record<string, number>;
  domains: string[];
  rows: EvalRow[];
  claims: Claim[];
  /**
   * Cosine similarity of the experts' router rows (mean over layers), manifest order: where two
   * rows point the same way, the router cannot tell their domains apart.
   */
  routerCosine: { experts: string[]; matrix: number[][] };
}

/** Mean over layers of the cosine similarity between every two experts' router rows. */
export function routerCosine(manifest: FlexOlmoManifest): EvalReport["routerCosine"] {
  const experts = manifest.experts.map((e) => e.id);
  const L = manifest.config.layers;
  const cos = (a: number[], b: number[]) => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < a.length; i++) {
      ab += (a[i] as number) * (b[i] as number);
      aa += (a[i] as number) ** 2;
      bb += (b[i] as number) ** 2;
    }
    return ab / Math.sqrt(aa * bb + 1e-30);
  };
  const matrix = manifest.experts.map((a) =>
    manifest.experts.map((b) => {
      let sum = 0;
      for (let l = 0; l < L; l++) sum += cos(a.router.rows[l] as number[], b.router.rows[l] as number[]);
      return sum / L;
    }),
  );
  return { experts, matrix };
}

/** Relative tolerance for "close to" and "nearly unchanged". */
export const NEAR = 0.02;

const fmt = (x: number) => x.toFixed(3);

export function checkClaims(rows: EvalRow[], domains: string[]): Claim[] {
  const row = (name: string) => rows.find((r) => r.name === name) as EvalRow;
  const pub = row("public only");
  const all = row("all experts");
  const avg = row("averaged weights (dense)");
  // Closed domains that have both held-out text and an expert.
  const closed = domains.filter((d) => d !== PUBLIC_DOMAIN && rows.some((r) => r.name === `public + ${d}`));
  const claims: Claim[] = [];
  const own = closed.map((d) => ({
    d,
    pub: pub.bitsPerByte[d] as number,
    own: row(`public + ${d}`).bitsPerByte[d] as number,
  }));
  const improved = own.filter((o) => o.own < o.pub);
  claims.push({
    claim: "Each expert improves its own domain over the public model alone",
    holds: improved.length === own.length,
    detail: own.map((o) => `${o.d}: ${fmt(o.pub)} -> ${fmt(o.own)}`).join("; "),
  });
  const gaps = closed.map((d) => {
    const a = all.bitsPerByte[d] as number;
    const o = row(`public + ${d}`).bitsPerByte[d] as number;
    return { d, a, o, rel: (a - o) / o };
  });
  claims.push({
    claim: `The merged MoE (all experts, routed) is close to each domain's own expert on that domain (within ${NEAR * 100}%)`,
    holds: gaps.every((g) => g.rel <= NEAR),
    detail: gaps
      .map(
        (g) =>
          `${g.d}: all ${fmt(g.a)} vs own ${fmt(g.o)} (${g.rel >= 0 ? "+" : ""}${(g.rel * 100).toFixed(1)}%)`,
      )
      .join("; "),
  });
  claims.push({
    claim: "The merged MoE is better on average than the weight-averaged dense model",
    holds: all.mean < avg.mean,
    detail: `mean over domains: MoE ${fmt(all.mean)} vs averaged ${fmt(avg.mean)}`,
  });
  const optOut = closed.map((d) => {
    const r = row(`all - ${d}`);
    const own =
      ((r.bitsPerByte[d] as number) - (all.bitsPerByte[d] as number)) / (all.bitsPerByte[d] as number);
    const others = domains
      .filter((o) => o !== d)
      .map(
        (o) =>
          ((r.bitsPerByte[o] as number) - (all.bitsPerByte[o] as number)) / (all.bitsPerByte[o] as number),
      );
    return { d, own, maxOther: Math.max(...others.map(Math.abs)) };
  });
  claims.push({
    claim: "Removing an expert worsens its own domain",
    holds: optOut.every((o) => o.own > 0),
    detail: optOut.map((o) => `${o.d}: +${(o.own * 100).toFixed(1)}%`).join("; "),
  });
  claims.push({
    claim: `Removing an expert leaves the other domains nearly unchanged (every change within ${NEAR * 100}%)`,
    holds: optOut.every((o) => o.maxOther <= NEAR),
    detail: optOut
      .map((o) => `${o.d} removed: largest change elsewhere ${(o.maxOther * 100).toFixed(1)}%`)
      .join("; "),
  });
  return claims;
}

export function toMarkdown(report: EvalReport): string {
  const header = `| configuration | ${report.domains.join(" | ")} | mean |`;
  const sep = `|---|${report.domains.map(() => "---:").join("|")}|---:|`;
  const lines = report.rows.map(
    (r) =>
      `| ${r.name} | ${report.domains.map((d) => fmt(r.bitsPerByte[d] as number)).join(" | ")} | ${fmt(r.mean)} |`,
  );
  const all = report.rows.find((r) => r.kind === "all");
  const experts = all ? Object.keys(all.routingShare[report.domains[0] as string] ?? {}) : [];
  const routing = all
    ? [
        "",
        "Mean routing weight per expert with all experts enabled (rows: held-out domain; weights are not renormalised, so a row sums to less than 1):",
        "",
        `| domain | ${experts.join(" | ")} |`,
        `|---|${experts.map(() => "---:").join("|")}|`,
        ...report.domains.map(
          (d) => `| ${d} | ${experts.map((e) => (all.routingShare[d]?.[e] ?? 0).toFixed(2)).join(" | ")} |`,
        ),
      ]
    : [];
  const rc = report.routerCosine;
  const cosine = rc
    ? [
        "",
        "Cosine similarity of the experts' router rows (mean over layers; near 1 = the router cannot tell the two domains apart):",
        "",
        `| expert | ${rc.experts.join(" | ")} |`,
        `|---|${rc.experts.map(() => "---:").join("|")}|`,
        ...rc.experts.map(
          (e, i) => `| ${e} | ${(rc.matrix[i] ?? []).map((v) => v.toFixed(2)).join(" | ")} |`,
        ),
      ]
    : [];
  const claims = report.claims.map(
    (c) => `- ${c.holds ? "HOLDS" : "DOES NOT HOLD"}: ${c.claim}. ${c.detail}.`,
  );
  return [
    `Held-out bits per byte (lower is better), top-k = ${report.topK}, held-out bytes per domain: ${report.domains
      .map((d) => `${d} ${report.heldoutBytes[d]}`)
      .join(", ")}.`,
    "",
    header,
    sep,
    ...lines,
    ...routing,
    ...cosine,
    "",
    "Claims of the FlexOlmo paper, checked on these numbers:",
    "",
    ...claims,
    "",
  ].join("\n");
}

export async function runEvaluation(
  model: FlexOlmo,
  modelDir: string,
  heldout: Map<string, Uint8Array>,
  topK: number,
  log: (m: string) => void = () => {},
): Promise<EvalReport> {
  const domains = [...heldout.keys()];
  const closed = model.experts.map((e) => e.id).filter((id) => id !== PUBLIC_DOMAIN);
  const configs: Omit<EvalRow, "bitsPerByte" | "mean" | "routingShare">[] = [
    { name: "public only", kind: "public", experts: [] },
    ...closed.map((d) => ({ name: `public + ${d}`, kind: "public+expert" as const, experts: [d] })),
    { name: "all experts", kind: "all", experts: closed },
    ...closed.map((d) => ({
      name: `all - ${d}`,
      kind: "all-minus" as const,
      experts: closed.filter((x) => x !== d),
    })),
    { name: "averaged weights (dense)", kind: "averaged", experts: [PUBLIC_DOMAIN, ...closed] },
  ];
  const rows: EvalRow[] = [];
  const averaged = await averagedFfnSession(modelDir, model.manifest, 1);
  for (const c of configs) {
    const bits: Record<string, number> = {};
    const shares: Record<string, Record<string, number>> = {};
    if (c.kind === "averaged") model.setDenseFfn(averaged);
    try {
      for (const d of domains) {
        const r = await model.evaluate(heldout.get(d) as Uint8Array, { experts: c.experts, topK });
        bits[d] = r.bitsPerByte;
        shares[d] = r.expertShare;
      }
    } finally {
      model.setDenseFfn(undefined);
    }
    const mean = domains.reduce((a, d) => a + (bits[d] as number), 0) / domains.length;
    rows.push({ ...c, bitsPerByte: bits, mean, routingShare: shares });
    log(`${c.name}: ${domains.map((d) => `${d} ${fmt(bits[d] as number)}`).join(", ")}`);
  }
  await averaged.release();
  return {
    createdAt: new Date().toISOString(),
    topK,
    heldoutBytes: Object.fromEntries(domains.map((d) => [d, (heldout.get(d) as Uint8Array).length])),
    domains,
    rows,
    claims: checkClaims(rows, domains),
    routerCosine: routerCosine(model.manifest),
  };
}

/**
 * Held-out text for every expert domain of a model: the corpus domains' slices from
 * `<work>/domains` (written by `npm run train`, re-derived from the corpus when absent) plus
 * `extra` (domain -> JSONL file, held-out slice chosen as for the owner's data). An installed
 * expert whose domain has no text here still appears in every configuration, but no column
 * scores its own domain.
 */
export async function heldoutForModel(
  model: FlexOlmo,
  opts: { work: string; corpus: string; maxBytes: number; extra?: Map<string, string> },
): Promise<Map<string, Uint8Array>> {
  let domainsDir = join(opts.work, "domains");
  if (!existsSync(join(domainsDir, "splits.json"))) {
    domainsDir = join(opts.work, "eval-domains");
    if (!existsSync(join(domainsDir, "splits.json"))) {
      if (!existsSync(opts.corpus))
        throw new Error(
          `no held-out data: neither ${join(opts.work, "domains")} nor ${opts.corpus} exists (run npm run -s setup:data)`,
        );
      await prepareDomainFolders(opts.corpus, domainsDir);
    }
  }
  const heldout = new Map<string, Uint8Array>();
  for (const e of model.experts) {
    const extra = opts.extra?.get(e.domain);
    let bytes: Uint8Array | undefined;
    if (extra) bytes = (await readOwnerData(extra)).heldout;
    else if (existsSync(join(domainsDir, e.domain, "heldout.bin")))
      bytes = new Uint8Array(readFileSync(join(domainsDir, e.domain, "heldout.bin")));
    if (bytes) heldout.set(e.domain, bytes.subarray(0, Math.min(bytes.length, opts.maxBytes)));
  }
  for (const [d, f] of opts.extra ?? []) {
    if (!heldout.has(d)) heldout.set(d, (await readOwnerData(f)).heldout.subarray(0, opts.maxBytes));
  }
  if (!heldout.has(PUBLIC_DOMAIN)) throw new Error("no held-out text for the public domain");
  return heldout;
}

/** Writes eval.json and eval.md into the model folder. */
export function writeReport(modelDir: string, report: EvalReport): string {
  const out = join(modelDir, "eval.json");
  writeFileSync(`${out}.tmp`, JSON.stringify(report, null, 2));
  renameSync(`${out}.tmp`, out);
  const md = toMarkdown(report);
  writeFileSync(join(modelDir, "eval.md"), md);
  return md;
}
