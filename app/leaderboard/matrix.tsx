import type { CSSProperties } from "react";

export interface MatrixCell {
  text: string;
  style?: CSSProperties;
  label: string;
}

/** Background of a heatmap cell: `value / max` of the hue's strongest tint. */
export function heat(value: number, max: number, hue: number): CSSProperties {
  const a = max > 0 ? 0.08 + 0.72 * (value / max) : 0;
  return { backgroundColor: `hsl(${hue} 80% 45% / ${a.toFixed(3)})` };
}

/**
 * A model-by-model heatmap that fits its column: rows are numbered and named, columns carry only the row
 * numbers (the name is in each header's title and the cells' labels), and the table is fixed-width, so
 * eight models fit a 390 px phone. Beyond that it scrolls inside its own box, never the page.
 */
export function Matrix({
  title,
  id,
  models,
  cell,
  caption,
}: {
  title: string;
  id: string;
  models: string[];
  cell: (i: number, j: number) => MatrixCell;
  caption: string;
}) {
  return (
    <section aria-labelledby={id} className="min-w-0 space-y-2">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      <p className="muted text-sm">{caption}</p>
      {/* relative: the screen-reader-only column names are positioned inside this box, not the page */}
      <div className="relative overflow-x-auto">
        <table
          className="w-full table-fixed border-collapse text-xs"
          style={{ minWidth: `${6.5 + 1.9 * models.length}rem` }}
        >
          <colgroup>
            <col style={{ width: "6.5rem" }} />
            {models.map((m) => (
              <col key={m} />
            ))}
          </colgroup>
          <thead>
            <tr>
              <th scope="col" className="px-1 py-1 text-left">
                <span className="sr-only">Row model against column model</span>
              </th>
              {models.map((m, j) => (
                <th key={m} scope="col" className="px-0.5 py-1 text-center font-medium" title={m}>
                  <span aria-hidden="true">{j + 1}</span>
                  <span className="sr-only">{m}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {models.map((row, i) => (
              <tr key={row}>
                <th scope="row" className="truncate px-1 py-1 text-left font-medium" title={row}>
                  <span aria-hidden="true" className="muted mr-1 tabular-nums">
                    {i + 1}
                  </span>
                  {row}
                </th>
                {models.map((col, j) => {
                  const c = cell(i, j);
                  return (
                    <td
                      key={col}
                      className="h-8 overflow-hidden border border-slate-200 px-0 text-center tabular-nums dark:border-slate-800"
                      style={c.style}
                      title={c.label}
                    >
                      {c.text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
