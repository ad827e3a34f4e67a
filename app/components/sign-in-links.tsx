import Link from "next/link";

/** The two ways in for a visitor who is not signed in: sign in, or create an account. */
export function SignInLinks({ className = "" }: { className?: string }) {
  return (
    <div className={`flex gap-2 ${className}`}>
      <Link href="/signin" className="btn-primary">
        Sign in
      </Link>
      <Link href="/signup" className="btn-secondary">
        Create an account
      </Link>
    </div>
  );
}
