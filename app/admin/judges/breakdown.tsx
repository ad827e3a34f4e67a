import { accuracyEstimate, type Tally } from "@/lib/judges/metrics";
import { EstimateValue } from "../../components/estimate-value";

/** A run's accuracy by one grouping of its pairs (subject, question type). */
export function Breakdown({ title, rows }: { title: string; rows: Record<string, Tally> }) {
  const entries = Object.entries(rows).sort((a, b) => a[0].localeCompare(b[0]));
  return (
    <table className="w-full text-left text-xs">
      <caption className="mb-1 text-left font-medium">{title}</caption>
      <thead>
        <tr>
          <th scope="col" className="py-1 pr-2">
            Group
          </th>
          <th scope="col" className="py-1 pr-2">
            Accuracy
          </th>
          <th scope="col" className="py-1 pr-2">
            Agree / disagree / unparseable
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([k, t]) => (
          <tr key={k} className="border-t border-slate-200 dark:border-slate-800">
            <th scope="row" className="py-1 pr-2 font-normal">
              {k}
            </th>
            <td className="py-1 pr-2">
              <EstimateValue estimate={accuracyEstimate(t)} kind="share" unit="pairs" />
            </td>
            <td className="py-1 pr-2">
              {t.agreements} / {t.disagreements} / {t.unparseable}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
