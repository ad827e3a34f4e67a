/** Validates the configuration before anything is built or started; exits 1 naming each bad variable. */
import { parseEnvOrExit } from "../lib/env";

parseEnvOrExit();
