import type { ComponentProps, ReactNode } from "react";

/** A column heading: its text, or its content with a key and extra classes (alignment, hiding on phones). */
export type Column = string | { key: string; label: ReactNode; className?: string };

/** Padding of every cell of a DataTable, for the rows' own cells. */
export const CELL = "px-3 py-2";

/**
 * The app's table of records: a bordered box that scrolls sideways on its own when the table is wider than
 * the screen (the page never does), a tinted header row of column headings, and the rows given as children
 * (DataRow). `columns` may hold false for a column shown only sometimes; `caption` is for screen readers, or
 * `labelledBy` names the id of a visible heading that titles the table.
 */
export function DataTable({
  columns,
  caption,
  labelledBy,
  className = "w-full text-left text-sm",
  children,
}: {
  columns: readonly (Column | false)[];
  caption?: string;
  labelledBy?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className={className} aria-labelledby={labelledBy}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            {columns.map((c) =>
              c === false ? null : typeof c === "string" ? (
                <th key={c} scope="col" className={CELL}>
                  {c}
                </th>
              ) : (
                <th key={c.key} scope="col" className={`${CELL} ${c.className ?? ""}`.trim()}>
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A row of a DataTable (a rule above it). */
export function DataRow({ className, ...props }: ComponentProps<"tr">) {
  return (
    <tr className={`border-t border-slate-200 dark:border-slate-800 ${className ?? ""}`.trim()} {...props} />
  );
}
