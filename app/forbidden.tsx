import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-sky-700 dark:text-sky-400">403</p>
      <h1 className="mt-2 text-2xl font-semibold">You don't have access to this page</h1>
      <p className="muted mt-2">
        This page is for admins. Ask an admin of this installation if you need access.
      </p>
      <Link href="/" className="btn-secondary mt-6">
        Back to the start page
      </Link>
    </div>
  );
}
