import { type Estimate, MIN_UNITS } from "@/lib/agreement/estimate";

const kappa = (x: number) => x.toFixed(2);
const share = (x: number) => `${(100 * x).toFixed(0)}%`;

/**
 * An agreement figure with its n and 95% interval; below the floor it says "too few" first and keeps the
 * raw figure in small print. `unit` names what n counts ("items", "pairs", "votes").
 */
export function EstimateValue({
  estimate,
  kind,
  unit,
  testId,
}: {
  estimate: Estimate;
  kind: "kappa" | "share";
  unit: string;
  testId?: string;
}) {
  const f = kind === "kappa" ? kappa : share;
  const { value, n, lower, upper, tooFew } = estimate;
  const units = n === 1 ? unit.replace(/s$/, "") : unit;
  const interval = lower !== null && upper !== null ? `95% ${f(lower)} to ${f(upper)}` : "no interval";
  if (value === null)
    return (
      <span data-testid={testId}>
        <span className="font-semibold">—</span>
        <span className="muted block text-xs">
          {n === 0 ? `no ${unit} yet` : `undefined on ${n} ${units}`}
        </span>
      </span>
    );
  if (tooFew)
    return (
      <span data-testid={testId}>
        <span className="font-semibold">too few</span>
        <span className="muted block text-xs">
          {f(value)} on {n} {units}; {MIN_UNITS} needed
        </span>
      </span>
    );
  return (
    <span data-testid={testId}>
      <span className="font-semibold tabular-nums">{f(value)}</span>
      <span className="muted block text-xs tabular-nums">
        {interval}, n = {n} {units}
      </span>
    </span>
  );
}
