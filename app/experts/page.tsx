import type { Metadata } from "next";
import { type EvalReport, readEvaluation } from "@/lib/models/evaluation";
import { expertRegistry, modelService } from "@/lib/models/flexolmo";
import { DataRow, DataTable } from "../components/data-table";
import { expertColor } from "../components/expert-colors";
import { ModelUnavailable } from "../components/model-unavailable";

export const metadata: Metadata = { title: "Experts" };
export const dynamic = "force-dynamic";

const bpb = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(3));

export default async function Page() {
  let model: Awaited<ReturnType<typeof modelService>>;
  try {
    model = await modelService();
  } catch (e) {
    return <ModelUnavailable title="Experts" error={e} />;
  }
  const experts = expertRegistry(model);
  const evaluation = readEvaluation();
  const c = model.config;
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Experts</h1>
        <p className="muted mt-1 text-sm">
          {model.manifest.name}: a byte-level transformer ({c.layers} layers, width {c.dModel}, context{" "}
          {c.context} bytes) whose feed-forward layers are a mixture of {experts.length} experts, top-
          {model.defaultTopK} routing by default. Each closed-domain expert was trained on its own data only,
          from a frozen copy of the public model, and merged without joint training. Built{" "}
          {model.manifest.createdAt.slice(0, 10)}.
        </p>
      </div>

      <section aria-labelledby="registry-heading" className="space-y-3">
        <h2 id="registry-heading" className="text-lg font-semibold">
          Registry
        </h2>
        <DataTable
          columns={[
            "Expert",
            "Data it saw",
            {
              key: "Documents (train / held-out)",
              label: "Documents (train / held-out)",
              className: "text-right",
            },
            { key: "Training steps", label: "Training steps", className: "text-right" },
            {
              key: "Held-out bits/byte (public only → with expert)",
              label: "Held-out bits/byte (public only → with expert)",
              className: "text-right",
            },
            "SHA-256",
          ]}
          caption="Experts of the model and the data each saw"
          className="w-full min-w-[48rem] text-left text-sm"
        >
          {experts.map((e, i) => (
            <DataRow key={e.id} className="align-top">
              <th scope="row" className="px-3 py-2 font-medium whitespace-nowrap">
                <span
                  aria-hidden="true"
                  className="mr-2 inline-block size-3 rounded-sm"
                  style={{ backgroundColor: expertColor(i) }}
                />
                {e.domain}
                {e.alwaysOn && <span className="muted block text-xs font-normal">always on</span>}
              </th>
              <td className="px-3 py-2">{e.description}</td>
              <td className="px-3 py-2 text-right tabular-nums">
                {e.documents.toLocaleString("en")} / {e.heldoutDocuments.toLocaleString("en")}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">
                {e.trainingSteps.toLocaleString("en")}
                <span className="muted block text-xs">{(e.trainingTokens / 1e6).toFixed(2)} M bytes</span>
              </td>
              <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                {e.alwaysOn
                  ? bpb(e.heldout.publicOnlyBitsPerByte)
                  : `${bpb(e.heldout.publicOnlyBitsPerByte)} → ${bpb(e.heldout.withExpertBitsPerByte)}`}
              </td>
              <td className="px-3 py-2">
                <code title={e.sha256} className="text-xs">
                  {e.sha256.slice(0, 12)}
                </code>
                <span className="muted block text-xs">{e.file}</span>
              </td>
            </DataRow>
          ))}
        </DataTable>
      </section>

      <section aria-labelledby="eval-heading" className="space-y-3">
        <h2 id="eval-heading" className="text-lg font-semibold">
          Evaluation
        </h2>
        {evaluation.state === "absent" && (
          <div className="card" role="status">
            <p className="font-medium">The evaluation has not been run yet.</p>
            <p className="muted mt-1 text-sm">
              Run <code>npm run -s eval:moe</code> (after <code>npm run train</code>). It scores held-out text
              of every domain under each expert configuration and writes <code>{evaluation.path}</code>, which
              this page shows.
            </p>
          </div>
        )}
        {evaluation.state === "invalid" && (
          <div className="card" role="alert">
            <p className="font-medium">The evaluation file cannot be read.</p>
            <p className="muted mt-1 text-sm break-words">
              {evaluation.path}: {evaluation.message}. Run <code>npm run -s eval:moe</code> again.
            </p>
          </div>
        )}
        {evaluation.state === "ok" && <Evaluation report={evaluation.report} />}
      </section>
    </div>
  );
}

function Evaluation({ report }: { report: EvalReport }) {
  const best = Object.fromEntries(
    [...report.domains, "mean"].map((d) => [
      d,
      Math.min(
        ...report.rows.map((r) => (d === "mean" ? r.mean : (r.bitsPerByte[d] ?? Number.POSITIVE_INFINITY))),
      ),
    ]),
  );
  return (
    <div className="space-y-6">
      <p className="muted text-sm">
        Held-out bits per byte, lower is better (top-k = {report.topK}; held-out bytes per domain:{" "}
        {report.domains.map((d) => `${d} ${report.heldoutBytes[d]?.toLocaleString("en")}`).join(", ")}). Run{" "}
        {report.createdAt.slice(0, 10)}. The best value of each column is bold.
      </p>
      <DataTable
        caption="Held-out bits per byte by configuration and domain"
        className="w-full min-w-[40rem] text-sm"
        columns={[
          { key: "configuration", label: "Configuration", className: "text-left" },
          ...report.domains.map((d) => ({ key: d, label: d, className: "text-right" })),
          { key: "mean", label: "mean", className: "text-right" },
        ]}
      >
        {report.rows.map((r) => (
          <DataRow key={r.name}>
            <th scope="row" className="px-3 py-1.5 text-left font-medium whitespace-nowrap">
              {r.name}
            </th>
            {report.domains.map((d) => (
              <td
                key={d}
                className={`px-3 py-1.5 text-right tabular-nums ${r.bitsPerByte[d] === best[d] ? "font-bold" : ""}`}
              >
                {bpb(r.bitsPerByte[d])}
              </td>
            ))}
            <td className={`px-3 py-1.5 text-right tabular-nums ${r.mean === best.mean ? "font-bold" : ""}`}>
              {bpb(r.mean)}
            </td>
          </DataRow>
        ))}
      </DataTable>
      <EvalChart report={report} />
      <RouterDiagnosis report={report} />
      <div>
        <h3 className="mb-2 font-semibold">The FlexOlmo paper&apos;s claims on these numbers</h3>
        <ul className="space-y-2 text-sm">
          {report.claims.map((c) => (
            <li key={c.claim} className="flex gap-2">
              <span
                className={`shrink-0 rounded px-1.5 py-0.5 text-xs font-semibold ${
                  c.holds
                    ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300"
                    : "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200"
                }`}
              >
                {c.holds ? "holds" : "does not hold"}
              </span>
              <span>
                {c.claim}. <span className="muted">{c.detail}.</span>
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/**
 * Where each domain's tokens go with every expert on, and how alike the router rows are: the reasons the
 * routed model falls short of each domain's own expert.
 */
function RouterDiagnosis({ report }: { report: EvalReport }) {
  const all = report.rows.find((r) => r.kind === "all");
  const shares = all?.routingShare;
  const cosine = report.routerCosine;
  if (!shares && !cosine) return null;
  const experts = cosine?.experts ?? Object.keys(shares?.[report.domains[0] ?? ""] ?? {});
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {shares && (
        <Matrix
          title="Routing with every expert on"
          note="Mean routing weight per expert (columns) on each domain's held-out text (rows)."
          corner="text"
          columns={experts}
          rows={report.domains.map((d) => {
            const row = shares[d] ?? {};
            const top = Math.max(...Object.values(row));
            return {
              label: d,
              values: experts.map((e) => row[e] ?? 0),
              bold: experts.map((e) => row[e] === top),
            };
          })}
        />
      )}
      {cosine && (
        <Matrix
          title="Router rows alike"
          note="Cosine similarity of the experts' router rows, mean over layers; near 1, the router cannot tell the two domains apart."
          corner="expert"
          columns={cosine.experts}
          rows={cosine.experts.map((e, i) => ({ label: e, values: cosine.matrix[i] ?? [] }))}
        />
      )}
    </div>
  );
}

/** A table of numbers with labelled rows and columns, to two decimals; `bold` marks the values to stress. */
function Matrix({
  title,
  note,
  corner,
  columns,
  rows,
}: {
  title: string;
  note: string;
  corner: string;
  columns: readonly string[];
  rows: { label: string; values: readonly number[]; bold?: readonly boolean[] }[];
}) {
  const cell = "px-2 py-1 text-right tabular-nums";
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="mb-1 text-left font-semibold">
          {title} <span className="muted block text-xs font-normal">{note}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col" className="px-2 py-1 text-left">
              {corner}
            </th>
            {columns.map((c) => (
              <th key={c} scope="col" className={cell}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} className="border-t border-slate-200 dark:border-slate-800">
              <th scope="row" className="px-2 py-1 text-left font-medium">
                {r.label}
              </th>
              {r.values.map((v, j) => (
                <td key={columns[j] ?? j} className={`${cell} ${r.bold?.[j] ? "font-semibold" : ""}`}>
                  {v.toFixed(2)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Grouped bars per closed domain: public only, the domain's own expert, all experts, all minus the
 * domain's expert, and the weight-averaged dense model. The value axis starts near the smallest
 * value (differences are a few percent), and says so.
 */
function EvalChart({ report }: { report: EvalReport }) {
  const find = (name: string) => report.rows.find((r) => r.name === name);
  const closed = report.domains.filter((d) => find(`public + ${d}`));
  const series = [
    { label: "public only", color: expertColor(0), row: () => find("public only") },
    { label: "public + own expert", color: expertColor(1), row: (d: string) => find(`public + ${d}`) },
    { label: "all experts", color: expertColor(3), row: () => find("all experts") },
    { label: "all minus own expert", color: expertColor(4), row: (d: string) => find(`all - ${d}`) },
    { label: "averaged weights", color: expertColor(2), row: () => find("averaged weights (dense)") },
  ];
  const values = closed.flatMap((d) =>
    series.map((s) => s.row(d)?.bitsPerByte[d]).filter((v): v is number => v !== undefined),
  );
  if (values.length === 0) return null;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max(0.02, (hi - lo) * 0.15);
  const floor = Math.max(0, Math.floor((lo - pad) * 20) / 20);
  const ceil = Math.ceil((hi + pad / 3) * 20) / 20;
  const W = 720;
  const H = 300;
  const left = 48;
  const bottom = 40;
  const top = 10;
  const plotH = H - bottom - top;
  const groupW = (W - left - 10) / closed.length;
  const barW = Math.min(22, (groupW - 16) / series.length);
  const y = (v: number) => top + plotH * (1 - (v - floor) / (ceil - floor));
  const ticks = Array.from({ length: 5 }, (_, i) => floor + ((ceil - floor) * i) / 4);
  return (
    <figure className="card space-y-2">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full text-slate-600 dark:text-slate-300"
        role="img"
        aria-label="Held-out bits per byte on each closed domain for public only, the domain's own expert, all experts, all minus that expert, and the averaged model (values in the table above)"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={left} x2={W - 10} y1={y(t)} y2={y(t)} stroke="currentColor" strokeOpacity={0.15} />
            <text x={left - 6} y={y(t) + 4} textAnchor="end" fontSize={11} fill="currentColor">
              {t.toFixed(2)}
            </text>
          </g>
        ))}
        {closed.map((d, gi) => {
          const x0 = left + gi * groupW + (groupW - barW * series.length) / 2;
          return (
            <g key={d}>
              {series.map((s, si) => {
                const v = s.row(d)?.bitsPerByte[d];
                if (v === undefined) return null;
                return (
                  <rect
                    key={s.label}
                    x={x0 + si * barW}
                    y={y(v)}
                    width={barW - 2}
                    height={Math.max(0, H - bottom - y(v))}
                    fill={s.color}
                  >
                    <title>{`${d}, ${s.label}: ${v.toFixed(3)} bits/byte`}</title>
                  </rect>
                );
              })}
              <text
                x={left + gi * groupW + groupW / 2}
                y={H - bottom + 18}
                textAnchor="middle"
                fontSize={12}
                fill="currentColor"
              >
                {d}
              </text>
            </g>
          );
        })}
        <line
          x1={left}
          x2={W - 10}
          y1={H - bottom}
          y2={H - bottom}
          stroke="currentColor"
          strokeOpacity={0.5}
        />
      </svg>
      <figcaption className="space-y-1 text-xs">
        <ul className="flex flex-wrap gap-x-4 gap-y-1">
          {series.map((s) => (
            <li key={s.label} className="flex items-center gap-1.5">
              <span
                aria-hidden="true"
                className="inline-block size-3 rounded-sm"
                style={{ backgroundColor: s.color }}
              />
              {s.label}
            </li>
          ))}
        </ul>
        <p className="muted">
          Held-out bits per byte on each closed domain (lower is better). The axis starts at{" "}
          {floor.toFixed(2)}, not 0, so that differences of a few percent are visible.
        </p>
      </figcaption>
    </figure>
  );
}
