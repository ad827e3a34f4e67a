export function ComingSoon({ title, issue, what }: { title: string; issue: number; what: string }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <div className="card border-dashed" role="status">
        <p className="font-medium">Coming soon</p>
        <p className="muted mt-1 text-sm">
          {what} This page is not available yet: it lands with issue #{issue}. Nothing here works until then.
        </p>
      </div>
    </div>
  );
}
