/** A page that needs the FlexOlmo model, when the model cannot be loaded: its title and the reason. */
export function ModelUnavailable({ title, error }: { title: string; error: unknown }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <div role="alert" className="card border-red-300 dark:border-red-800">
        <p className="font-medium">The model cannot be loaded.</p>
        <p className="muted mt-1 text-sm break-words">{(error as Error).message}</p>
      </div>
    </div>
  );
}
