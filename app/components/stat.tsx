import type { ReactNode } from "react";

/**
 * One figure in a row of figures (inside a `<dl>`): its label small and muted, the value large below it.
 * `bold` for a plain number; an EstimateValue carries its own emphasis.
 */
export function Stat({ label, bold, children }: { label: ReactNode; bold?: boolean; children: ReactNode }) {
  return (
    <div>
      <dt className="muted text-xs">{label}</dt>
      <dd className={bold ? "text-lg font-semibold" : "text-lg"}>{children}</dd>
    </div>
  );
}
