/**
 * Lowers the CPU priority of the calling worker thread, so the request thread (votes, pages, answers to the
 * throttled) is scheduled first when index queries, traces, ratings refreshes or imports keep every core
 * busy. On Linux a thread has a nice value of its own: setpriority(2) given a thread id changes that thread
 * only. `WORKER_NICE` (default 10) is added to the process's own nice value (up to 19; 0 turns this off).
 * Elsewhere (no /proc/thread-self) nothing changes. Returns the thread's new nice value, or null.
 */
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

export const DEFAULT_WORKER_NICE = 10;

export function lowerThreadPriority(delta = workerNice()): number | null {
  if (process.platform !== "linux" || delta <= 0) return null;
  try {
    // "/proc/thread-self" -> "<pid>/task/<tid>"
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return null;
    const nice = Math.min(19, getPriority(tid) + delta);
    setPriority(tid, nice);
    return getPriority(tid);
  } catch {
    return null;
  }
}

/** WORKER_NICE from the environment (lib/env.ts validates it for the app), else the default. */
export function workerNice(): number {
  const raw = process.env.WORKER_NICE;
  const n = raw === undefined || raw.trim() === "" ? DEFAULT_WORKER_NICE : Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 19 ? n : DEFAULT_WORKER_NICE;
}
