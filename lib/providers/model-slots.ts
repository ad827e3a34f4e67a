/**
 * Per-model concurrency limits: at most N requests in flight to one registered model, across every battle
 * and judge run of this process (p-limit queues the rest in arrival order). Keyed by the model's id; the
 * limit follows the model's current setting. A waiter whose signal aborts leaves the queue at once.
 */
import pLimit, { type LimitFunction } from "p-limit";
import { peekSingleton, processSingleton, singletonKey } from "../process-singleton";

/** Per model id, its limiter. */
const MODEL_SLOTS = singletonKey<Map<string, LimitFunction>>("model-slots");

function limiterFor(key: string, concurrency: number): LimitFunction {
  const limits = processSingleton(MODEL_SLOTS, () => new Map());
  let limit = limits.get(key);
  if (!limit) {
    limit = pLimit(concurrency);
    limits.set(key, limit);
  } else if (limit.concurrency !== concurrency) {
    limit.concurrency = concurrency;
  }
  return limit;
}

/** Requests of a model in flight and waiting (for messages and tests). */
export function slotUse(key: string): { active: number; pending: number } {
  const limit = peekSingleton(MODEL_SLOTS)?.get(key);
  return { active: limit?.activeCount ?? 0, pending: limit?.pendingCount ?? 0 };
}

/**
 * Waits for a free slot of model `key` (limit `concurrency`) and resolves with its release function, which
 * must be called exactly once. Rejects with the signal's reason when it aborts first.
 */
export function acquireSlot(key: string, concurrency: number, signal: AbortSignal): Promise<() => void> {
  const limit = limiterFor(key, Math.max(1, Math.floor(concurrency)));
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    limit(
      () =>
        new Promise<void>((release) => {
          signal.removeEventListener("abort", onAbort);
          if (settled) return release(); // gave up while queued: pass the slot on
          settled = true;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            release();
          });
        }),
    );
  });
}
