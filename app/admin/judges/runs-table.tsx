import { accuracyEstimate, consistencyEstimate } from "@/lib/judges/metrics";
import { CELL, DataRow, DataTable } from "../../components/data-table";
import { EstimateValue } from "../../components/estimate-value";
import { isLive, type Run } from "./types";

/** The runs side by side: one row each with its accuracy, consistency and unparseable replies. */
export function RunsTable({ runs }: { runs: Run[] }) {
  return (
    <DataTable
      caption="Runs compared"
      columns={["Judge", "Dataset", "Status", "Accuracy", "Consistency", "Unparseable", "Pairs"]}
    >
      {runs.map((r) => (
        <DataRow key={r.id}>
          <th scope="row" className={`${CELL} font-medium`}>
            {r.judgeName}
          </th>
          <td className={CELL}>{r.dataset.name}</td>
          <td className={CELL}>
            {r.status}
            {isLive(r.status) && ` (${r.done}/${r.total})`}
          </td>
          <td className={CELL}>
            {r.summary && r.summary.accuracy === null && r.summary.pairs > 0 ? (
              "no verdicts"
            ) : r.summary ? (
              <EstimateValue estimate={accuracyEstimate(r.summary)} kind="share" unit="pairs" />
            ) : (
              "—"
            )}
          </td>
          <td className={CELL}>
            {r.summary ? (
              <EstimateValue estimate={consistencyEstimate(r.summary)} kind="share" unit="pairs" />
            ) : (
              "—"
            )}
          </td>
          <td className={CELL}>{r.summary?.unparseableReplies ?? "—"}</td>
          <td className={CELL}>{r.summary?.pairs ?? r.total}</td>
        </DataRow>
      ))}
    </DataTable>
  );
}
