import type { Metadata } from "next";
import { agreementReport } from "@/lib/agreement/calibration";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { listDatasets } from "@/lib/judges/datasets";
import { EstimateValue } from "../../components/estimate-value";
import { MarkButton, PublishButton } from "./mark-button";

export const metadata: Metadata = { title: "Annotator agreement" };
export const dynamic = "force-dynamic";

export default async function AgreementPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  await requirePageUser("admin");
  // Admins find any voted battle by words of its question; without a search, the 30 most recent.
  const q = ((await searchParams).q ?? "").trim().slice(0, 200);
  const [report, datasets, published, recent] = await Promise.all([
    agreementReport(db()),
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
      select: { id: true, question: true, subject: true, votedAt: true, vote: { select: { choice: true } } },
    }),
  ]);
  const marked = new Map(report.perItem.map((i) => [i.battleId, i]));
  const activeByDataset = new Map(published.map((p) => [p.datasetId, p._count._all]));
  const agreementByDataset = new Map(report.datasets.map((d) => [d.datasetId, d]));
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
        <dl className="card grid grid-cols-2 gap-4 text-sm sm:grid-cols-5">
          <div>
            <dt className="muted text-xs">Calibration items</dt>
            <dd className="text-lg font-semibold">{report.items}</dd>
          </div>
          <div>
            <dt className="muted text-xs">Items with 2+ ratings</dt>
            <dd className="text-lg font-semibold">{report.ratedItems}</dd>
          </div>
          <div>
            <dt className="muted text-xs">Share of rating pairs agreeing</dt>
            <dd className="text-lg">
              <EstimateValue
                estimate={report.shareAgreeing}
                kind="share"
                unit="items"
                testId="share-agreeing"
              />
            </dd>
          </div>
          <div>
            <dt className="muted text-xs">Fleiss&apos; kappa (all ratings)</dt>
            <dd className="text-lg">
              <EstimateValue estimate={report.fleissKappa} kind="kappa" unit="items" testId="fleiss-kappa" />
            </dd>
          </div>
          <div>
            <dt className="muted text-xs">Cohen&apos;s kappa vs original vote</dt>
            <dd className="text-lg">
              <EstimateValue estimate={report.cohensKappa} kind="kappa" unit="pairs" testId="cohens-kappa" />
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="self-heading" className="space-y-3">
        <h2 id="self-heading" className="text-lg font-semibold">
          Self-consistency per researcher
        </h2>
        {report.selfConsistency.length === 0 ? (
          <p className="muted text-sm">No researcher has re-rated one of their own battles yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr>
                <th scope="col" className="py-1">
                  Researcher
                </th>
                <th scope="col" className="py-1">
                  Re-rated (swapped)
                </th>
                <th scope="col" className="py-1">
                  Same verdict
                </th>
              </tr>
            </thead>
            <tbody>
              {report.selfConsistency.map((s) => (
                <tr key={s.userId} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="py-1">{s.email}</td>
                  <td className="py-1">{s.checks}</td>
                  <td className="py-1">
                    <EstimateValue estimate={s.rate} kind="share" unit="re-votes" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
          <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 dark:bg-slate-900">
                <tr>
                  {["Dataset", "Pairs", "Rated pairs", "Votes agreeing with label", "Cohen's kappa", ""].map(
                    (h) => (
                      <th key={h} scope="col" className="px-3 py-2">
                        {h}
                      </th>
                    ),
                  )}
                </tr>
              </thead>
              <tbody>
                {datasets.map((d) => {
                  const a = agreementByDataset.get(d.id);
                  const live = activeByDataset.get(d.id) ?? 0;
                  return (
                    <tr key={d.id} className="border-t border-slate-200 dark:border-slate-800">
                      <td className="px-3 py-2">
                        {d.name} <span className="muted text-xs">({d.source})</span>
                      </td>
                      <td className="px-3 py-2">{d.itemCount}</td>
                      <td className="px-3 py-2">{a ? a.ratedItems : "—"}</td>
                      <td className="px-3 py-2">
                        {a ? <EstimateValue estimate={a.agreement} kind="share" unit="votes" /> : "—"}
                      </td>
                      <td className="px-3 py-2">
                        {a ? <EstimateValue estimate={a.cohensKappa} kind="kappa" unit="votes" /> : "—"}
                      </td>
                      <td className="px-3 py-2">
                        <MarkPublish id={d.id} live={live > 0} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
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
          <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 dark:bg-slate-900">
                <tr>
                  {["Question", "Subject", "Vote", "Calibration ratings", ""].map((h) => (
                    <th key={h} scope="col" className="px-3 py-2">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {recent.map((b) => {
                  const item = marked.get(b.id);
                  return (
                    <tr key={b.id} className="border-t border-slate-200 dark:border-slate-800">
                      <td className="max-w-[22rem] truncate px-3 py-2" title={b.question}>
                        {b.question}
                      </td>
                      <td className="px-3 py-2">{b.subject ?? "—"}</td>
                      <td className="px-3 py-2">{b.vote?.choice}</td>
                      <td className="px-3 py-2">{item ? item.others.join(", ") || "none yet" : "—"}</td>
                      <td className="px-3 py-2">
                        {item?.active ? (
                          <MarkButton battleId={b.id} active={false} label="Stop calibration" />
                        ) : (
                          <MarkButton battleId={b.id} active label="Mark for calibration" />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function MarkPublish({ id, live }: { id: string; live: boolean }) {
  return live ? (
    <PublishButton datasetId={id} active={false} label="Withdraw from calibration" />
  ) : (
    <PublishButton datasetId={id} active label="Publish for calibration" />
  );
}
