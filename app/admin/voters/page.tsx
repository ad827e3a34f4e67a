import type { Metadata } from "next";
import { voterReview } from "@/lib/arena/voters";
import { requirePageUser } from "@/lib/auth/session";
import { DataRow, DataTable } from "../../components/data-table";
import { VoterButtons } from "./voter-buttons";

export const metadata: Metadata = { title: "Voters" };
export const dynamic = "force-dynamic";

const p = (x: number) => (x < 0.0001 ? x.toExponential(1) : x.toFixed(4));

export default async function VotersPage() {
  const admin = await requirePageUser("admin");
  const { check, checkedAt, rows } = await voterReview();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Voters</h1>
        <p className="muted mt-1 max-w-3xl text-sm">
          The anomaly check (after Chatbot Arena&apos;s outlier test) compares each voter&apos;s votes with
          the consensus: the likelihood of their votes under the current Bradley-Terry ratings against the
          same battles voted the way other voters voted on those pairs. Voters whose agreement is far below
          chance are flagged; it runs with every background ratings refresh. Excluded votes leave all ratings;
          banned accounts cannot sign in.
        </p>
      </div>
      <p className="text-sm" data-testid="voter-check-summary">
        {check && checkedAt ? (
          <>
            Last check:{" "}
            <time dateTime={checkedAt.toISOString()}>
              {checkedAt.toISOString().slice(0, 19).replace("T", " ")} UTC
            </time>{" "}
            · {check.checked} voter{check.checked === 1 ? "" : "s"} checked · flagged when p &lt;{" "}
            {check.alpha} with at least {check.minVotes} comparable votes.
          </>
        ) : (
          "No check yet: it runs with the first ratings refresh after votes."
        )}
      </p>
      {rows.length === 0 ? (
        <div className="card">
          <p>No flagged or excluded voters.</p>
        </div>
      ) : (
        <section aria-labelledby="voters-heading" className="space-y-2">
          <h2 id="voters-heading" className="text-lg font-semibold">
            Flagged and excluded voters
          </h2>
          <DataTable
            columns={[
              "Voter",
              "Votes",
              "Comparable",
              "Log-likelihood (voter / consensus)",
              "z",
              "p-value",
              "Agrees with ratings",
              "Status",
              "Actions",
            ]}
            className="w-full text-left text-sm tabular-nums"
          >
            {rows.map((r) => (
              <DataRow key={r.userId}>
                <th scope="row" className="max-w-[16rem] truncate px-3 py-2 font-medium" title={r.email}>
                  {r.email}
                </th>
                <td className="px-3 py-2">{r.totalVotes}</td>
                <td className="px-3 py-2">{r.check?.comparable ?? "—"}</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {r.check ? `${r.check.meanLogLik.toFixed(3)} / ${r.check.nullMeanLogLik.toFixed(3)}` : "—"}
                </td>
                <td className="px-3 py-2">{r.check ? r.check.z.toFixed(1) : "—"}</td>
                <td className="px-3 py-2">{r.check ? p(r.check.pValue) : "—"}</td>
                <td className="px-3 py-2">{r.check ? `${Math.round(r.check.agreement * 100)}%` : "—"}</td>
                <td className="px-3 py-2">
                  <ul className="space-y-0.5 text-xs">
                    {r.check && <li className="text-amber-700 dark:text-amber-400">flagged</li>}
                    {r.votesExcluded && <li className="text-red-700 dark:text-red-400">votes excluded</li>}
                    {r.banned && <li className="text-red-700 dark:text-red-400">banned</li>}
                    {r.trusted && <li className="text-emerald-700 dark:text-emerald-400">trusted</li>}
                  </ul>
                </td>
                <td className="px-3 py-2">
                  <VoterButtons
                    userId={r.userId}
                    email={r.email}
                    votesExcluded={r.votesExcluded}
                    banned={r.banned}
                    self={r.userId === admin.id}
                  />
                </td>
              </DataRow>
            ))}
          </DataTable>
        </section>
      )}
    </div>
  );
}
