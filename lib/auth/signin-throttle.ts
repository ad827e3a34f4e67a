/**
 * Sign-in throttling (lib/throttle.ts rules "signin-address" and "signin-account"): every password attempt is
 * counted before the password is checked, per client address and then per account, so parallel guesses are
 * bounded too; a sign-in that succeeds takes its attempt back (only failures add up) and clears the account's
 * count. Past THROTTLE_SIGNIN_ACCOUNT or THROTTLE_SIGNIN_ADDRESS the account or address is locked out for a
 * growing time, on every instance sharing the database, and even the right password gets a 429 until then.
 */
import { consume, throttle } from "../throttle";

function accountSubject(email: string): string {
  return `account:${email.trim().toLowerCase()}`;
}

/** Counts a sign-in attempt; throws TooManyRequestsError (429) when the address or the account is locked out. */
export async function beginSignIn(email: string, address: string): Promise<void> {
  // The address first: attempts refused there never reach the account's count, so one address cannot keep
  // someone else's account locked once it is itself locked out.
  await consume("signin-address", `addr:${address}`);
  await consume("signin-account", accountSubject(email));
}

/** The attempt succeeded: it does not count as a failure, and the account's failures are forgotten. */
export async function signInSucceeded(email: string, address: string): Promise<void> {
  const t = await throttle();
  await t.refund("signin-address", `addr:${address}`);
  await t.reset("signin-account", accountSubject(email));
}
