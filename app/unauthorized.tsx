import { SignInLinks } from "./components/sign-in-links";

export default function Unauthorized() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-sky-700 dark:text-sky-400">401</p>
      <h1 className="mt-2 text-2xl font-semibold">Please sign in</h1>
      <p className="muted mt-2">You need to be signed in to see this page.</p>
      <SignInLinks className="mt-6 justify-center" />
    </div>
  );
}
