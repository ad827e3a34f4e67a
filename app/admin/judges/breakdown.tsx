import { useId } from "react";
import { accuracyEstimate, type Tally } from "@/lib/judges/metrics";
import { CELL, DataRow, DataTable } from "../../components/data-table";
import { EstimateValue } from "../../components/estimate-value";

/** A run's accuracy by one grouping of its pairs (subject, question type). */
export function Breakdown({ title, rows }: { title: string; rows: Record<string, Tally> }) {
  const entries = Object.entries(rows).sort((a, b) => a[0].localeCompare(b[0]));
  const titleId = useId();
  return (
    <div className="space-y-1">
      <h4 id={titleId} className="text-xs font-medium">
        {title}
      </h4>
      <DataTable
        labelledBy={titleId}
        className="w-full text-left text-xs"
        columns={["Group", "Accuracy", "Agree / disagree / unparseable"]}
      >
        {entries.map(([k, t]) => (
          <DataRow key={k}>
            <th scope="row" className={`${CELL} font-normal`}>
              {k}
            </th>
            <td className={CELL}>
              <EstimateValue estimate={accuracyEstimate(t)} kind="share" unit="pairs" />
            </td>
            <td className={CELL}>
              {t.agreements} / {t.disagreements} / {t.unparseable}
            </td>
          </DataRow>
        ))}
      </DataTable>
    </div>
  );
}
