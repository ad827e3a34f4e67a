/** In place of a page's corpus tools when the FM-index cannot be reached: the reason, as an alert. */
export function IndexUnavailable({ problem }: { problem: string | null }) {
  return (
    <div className="card" role="alert">
      <p className="font-medium">The corpus index is not available.</p>
      <p className="muted mt-1 text-sm">{problem}</p>
    </div>
  );
}
