/** Validates the configuration before anything is built or started; exits 1 naming each bad variable. */
import { EnvError, parseEnv } from "../lib/env";

try {
  parseEnv();
} catch (e) {
  if (e instanceof EnvError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
