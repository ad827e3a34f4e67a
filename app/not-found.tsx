import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-sky-700 dark:text-sky-400">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Page not found</h1>
      <p className="muted mt-2">
        There is nothing at this address. It may have moved, or the link may be mistyped.
      </p>
      <Link href="/" className="btn-secondary mt-6">
        Back to the start page
      </Link>
    </div>
  );
}
