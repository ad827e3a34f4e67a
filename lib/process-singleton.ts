/**
 * Process-wide singletons: one database client, logger, job store, index... per process.
 *
 * Why not a module-level `let`: Next.js bundles each route with its own copy of the modules it imports, and
 * the production server (`server/index.ts`) is bundled apart again, so one module runs several times in one
 * process and each copy would open its own pool. A value kept on `globalThis` under a `Symbol.for` key is
 * the same for every copy (and survives hot reloads in development).
 *
 * Every such value is declared with `singletonKey<T>("name")` and read with `processSingleton` (or
 * `processSingletonAsync` for a value that is opened asynchronously and may fail to open).
 */

declare const SINGLETON_VALUE: unique symbol;

/** A key for one process-wide value of type `T` (a registered symbol, so every bundle's copy finds it). */
export type SingletonKey<T> = symbol & { readonly [SINGLETON_VALUE]?: T };

/** The key named `name` (unique within the project; `Symbol.for("lmr." + name)`). */
export function singletonKey<T>(name: string): SingletonKey<T> {
  return Symbol.for(`lmr.${name}`) as SingletonKey<T>;
}

const slots = globalThis as unknown as Record<symbol, unknown>;

/** The process's value under `key`, made by `create` the first time it is asked for. */
export function processSingleton<T>(key: SingletonKey<T>, create: () => NoInfer<T>): T {
  if (!(key in slots)) slots[key] = create();
  return slots[key] as T;
}

/**
 * The process's promise under `key`, started by `create` the first time. A promise that rejects is
 * forgotten, so the next call tries again (a database or shard server that was down at the first request).
 */
export function processSingletonAsync<T>(
  key: SingletonKey<Promise<T>>,
  create: () => Promise<NoInfer<T>>,
): Promise<T> {
  const held = slots[key] as Promise<T> | undefined;
  if (held) return held;
  const opening: Promise<T> = create().catch((e: unknown) => {
    if (slots[key] === opening) delete slots[key];
    throw e;
  });
  slots[key] = opening;
  return opening;
}

/** The value under `key` if one was made, without making one. */
export function peekSingleton<T>(key: SingletonKey<T>): T | undefined {
  return slots[key] as T | undefined;
}

/** Forgets the value under `key` and returns it (to close it), so the next `processSingleton` makes a new one. */
export function takeSingleton<T>(key: SingletonKey<T>): T | undefined {
  const value = slots[key] as T | undefined;
  delete slots[key];
  return value;
}
