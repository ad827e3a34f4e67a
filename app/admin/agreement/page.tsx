import type { Metadata } from "next";
import { readAgreement } from "@/lib/agreement/cached-report";
import { battlesCalibration } from "@/lib/agreement/calibration";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { jobs } from "@/lib/jobs";
import { listDatasets } from "@/lib/judges/datasets";
import { CELL, DataRow, DataTable } from "../../components/data-table";
import { EstimateValue } from "../../components/estimate-value";
import { Stat } from "../../components/stat";
import { AutoRefresh } from "../../leaderboard/auto-refresh";
import { CalibrationToggle } from "./calibration-toggle";

export const metadata: Metadata = { title: "Annotator agreement" };
export const dynamic = "force-dynamic";

export default async function AgreementPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  await requirePageUser("admin");
  // Admins find any voted battle by words of its question; without a search, the 30 most recent.
  const q = ((await searchParams).q ?? "").trim().slice(0, 200);
  const [view, datasets, published, recent] = await Promise.all([
    readAgreement(db(), jobs()),
    listDatasets(db()),
    db().calibrationItem.groupBy({
      by: ["datasetId"],
      where: { datasetId: { not: null }, active: true },
      _count: { _all: true },
    }),
    db().battle.findMany({
      where: { vote: { isNot: null }, flagged: false, ...(q ? { question: { contains: q } } : {}) },
      orderBy: { votedAt: "desc" },
      take: 30,
      select: {
        id: true,
        userId: true,
        question: true,
        subject: true,
        votedAt: true,
        vote: { select: { choice: true } },
      },
    }),
  ]);
  const marked = await battlesCalibration(db(), recent);
  const report = view.report;
  const activeByDataset = new Map(published.map((p) => [p.datasetId, p._count._all]));
  const agreementByDataset = new Map((report?.datasets ?? []).map((d) => [d.datasetId, d]));
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Annotator agreement</h1>
        <p className="muted mt-1 text-sm">
          Battles marked for calibration are shown again to other researchers (in the arena&apos;s &ldquo;Help
          calibrate&rdquo; panel), and to their own voter with the answers swapped. Published datasets add
          their pairs, compared with the file&apos;s human labels. Calibration votes are kept apart from arena
          votes and never count in the ratings.
        </p>
      </div>

      <section aria-labelledby="figures-heading" className="space-y-3">
        <h2 id="figures-heading" className="text-lg font-semibold">
          Agreement
        </h2>
        {view.stale && <AutoRefresh seconds={3} />}
        <p className="muted text-sm" data-testid="agreement-freshness" aria-live="polite">
          {!report
            ? "Computing the agreement figures in the background; this page updates when they are ready."
            : `Computed ${view.computedAt?.toISOString().slice(0, 19).replace("T", " ")} UTC${view.stale ? "; the calibration data changed since, the figures are being recomputed." : " from all calibration data so far."}`}
        </p>
        {report && (
          <dl className="card grid grid-cols-2 gap-4 text-sm sm:grid-cols-5">
            <Stat label="Calibration items" bold>
              {report.items}
            </Stat>
            <Stat label="Items with 2+ ratings" bold>
              {report.ratedItems}
            </Stat>
            <Stat label="Share of rating pairs agreeing">
              <EstimateValue
                estimate={report.shareAgreeing}
                kind="share"
                unit="items"
                testId="share-agreeing"
              />
            </Stat>
            <Stat label="Fleiss' kappa (all ratings)">
              <EstimateValue estimate={report.fleissKappa} kind="kappa" unit="items" testId="fleiss-kappa" />
            </Stat>
            <Stat label="Cohen's kappa vs original vote">
              <EstimateValue estimate={report.cohensKappa} kind="kappa" unit="pairs" testId="cohens-kappa" />
            </Stat>
          </dl>
        )}
      </section>

      <section aria-labelledby="self-heading" className="space-y-3">
        <h2 id="self-heading" className="text-lg font-semibold">
          Self-consistency per researcher
        </h2>
        {!report || report.selfConsistency.length === 0 ? (
          <p className="muted text-sm">
            {report ? "No researcher has re-rated one of their own battles yet." : "Being computed."}
          </p>
        ) : (
          <DataTable columns={["Researcher", "Re-rated (swapped)", "Same verdict"]}>
            {report.selfConsistency.map((s) => (
              <DataRow key={s.userId}>
                <td className={CELL}>{s.email}</td>
                <td className={CELL}>{s.checks}</td>
                <td className={CELL}>
                  <EstimateValue estimate={s.rate} kind="share" unit="re-votes" />
                </td>
              </DataRow>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="datasets-heading" className="space-y-3">
        <h2 id="datasets-heading" className="text-lg font-semibold">
          Datasets for calibration
        </h2>
        <p className="muted text-sm">
          Publish an imported SciArena-Eval dataset and researchers vote on its pairs (as in the file, model
          names hidden); their votes are compared with the dataset&apos;s human labels.
        </p>
        {datasets.length === 0 ? (
          <p className="muted text-sm">No datasets yet; import a SciArena-Eval file on the Judges page.</p>
        ) : (
          <DataTable
            columns={[
              "Dataset",
              "Pairs",
              "Rated pairs",
              "Votes agreeing with label",
              "Cohen's kappa",
              { key: "actions", label: "" },
            ]}
          >
            {datasets.map((d) => {
              const a = agreementByDataset.get(d.id);
              const live = activeByDataset.get(d.id) ?? 0;
              return (
                <DataRow key={d.id}>
                  <td className={CELL}>
                    {d.name} <span className="muted text-xs">({d.source})</span>
                  </td>
                  <td className={CELL}>{d.itemCount}</td>
                  <td className={CELL}>{a ? a.ratedItems : "—"}</td>
                  <td className={CELL}>
                    {a ? <EstimateValue estimate={a.agreement} kind="share" unit="votes" /> : "—"}
                  </td>
                  <td className={CELL}>
                    {a ? <EstimateValue estimate={a.cohensKappa} kind="kappa" unit="votes" /> : "—"}
                  </td>
                  <td className={CELL}>
                    <CalibrationToggle target={{ datasetId: d.id }} on={live > 0} />
                  </td>
                </DataRow>
              );
            })}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="battles-heading" className="space-y-3">
        <h2 id="battles-heading" className="text-lg font-semibold">
          {q ? "Voted battles matching your search" : "Recent voted battles"}
        </h2>
        <form method="get" aria-label="Search voted battles" className="flex flex-wrap items-end gap-2">
          <div className="min-w-[16rem] flex-1">
            <label htmlFor="battle-search" className="mb-1 block text-sm font-medium">
              Find a battle by its question
            </label>
            <input id="battle-search" name="q" defaultValue={q} maxLength={200} className="input" />
          </div>
          <button type="submit" className="btn-secondary">
            Search
          </button>
        </form>
        {recent.length === 0 ? (
          <p className="muted text-sm">
            {q ? "No voted battle has that in its question." : "No voted battles yet."}
          </p>
        ) : (
          <DataTable
            columns={["Question", "Subject", "Vote", "Calibration ratings", { key: "actions", label: "" }]}
          >
            {recent.map((b) => {
              const item = marked.get(b.id);
              return (
                <DataRow key={b.id}>
                  <td className={`max-w-[22rem] truncate ${CELL}`} title={b.question}>
                    {b.question}
                  </td>
                  <td className={CELL}>{b.subject ?? "—"}</td>
                  <td className={CELL}>{b.vote?.choice}</td>
                  <td className={CELL}>{item ? item.others.join(", ") || "none yet" : "—"}</td>
                  <td className={CELL}>
                    <CalibrationToggle target={{ battleId: b.id }} on={item?.active === true} />
                  </td>
                </DataRow>
              );
            })}
          </DataTable>
        )}
      </section>
    </div>
  );
}
