/**
 * The app's structured logger: one JSON object per line on stdout (pino), at the level LOG_LEVEL names
 * (default "info"; "silent" turns logging off). A process singleton, so the Next.js bundles and the
 * production server (bundled apart) write through one logger. `logger.child({ component })` tags a part of the app.
 */
import pino, { type Logger } from "pino";
import { processSingleton, singletonKey } from "./process-singleton";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LEVELS)[number];
export { LEVELS as LOG_LEVELS };

const LOGGER = singletonKey<Logger>("logger");

function level(): LogLevel {
  const v = (process.env.LOG_LEVEL ?? "").trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : "info";
}

export function logger(): Logger {
  return processSingleton(LOGGER, () =>
    pino({
      level: level(),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    }),
  );
}

/** A child logger for one part of the app (`{"component": name}` on each line). */
export function log(component: string): Logger {
  return logger().child({ component });
}
