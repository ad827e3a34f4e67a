/**
 * The app's structured logger: one JSON object per line on stdout (pino), at the level LOG_LEVEL names
 * (default "info"; "silent" turns logging off). Kept on globalThis so the Next.js bundles and the production
 * server (bundled apart) write through one logger. `logger.child({ component })` tags a part of the app.
 */
import pino, { type Logger } from "pino";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LEVELS)[number];
export { LEVELS as LOG_LEVELS };

const g = globalThis as unknown as { __lmrLogger?: Logger };

function level(): LogLevel {
  const v = (process.env.LOG_LEVEL ?? "").trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : "info";
}

export function logger(): Logger {
  g.__lmrLogger ??= pino({
    level: level(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return g.__lmrLogger;
}

/** A child logger for one part of the app (`{"component": name}` on each line). */
export function log(component: string): Logger {
  return logger().child({ component });
}
