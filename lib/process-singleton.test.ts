import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as here from "./process-singleton";

// A second copy of the module, as a separately bundled route or the production server would load it.
const copy: typeof here = await import(`./process-singleton.ts?copy=${process.pid}`);

test("two copies of the module share one value per key, made once", () => {
  assert.notEqual(copy.processSingleton, here.processSingleton, "the import really is a second copy");
  let made = 0;
  const a = here.processSingleton(here.singletonKey<{ n: number }>("test-shared"), () => ({ n: ++made }));
  const b = copy.processSingleton(copy.singletonKey<{ n: number }>("test-shared"), () => ({ n: ++made }));
  assert.equal(b, a);
  assert.equal(made, 1);
  assert.equal(copy.peekSingleton(here.singletonKey("test-shared")), a);
  assert.equal(here.peekSingleton(here.singletonKey("test-never-made")), undefined);
});

test("takeSingleton forgets the value, so the next call makes a new one", () => {
  const key = here.singletonKey<object>("test-take");
  const first = here.processSingleton(key, () => ({}));
  assert.equal(copy.takeSingleton(key), first);
  assert.equal(here.peekSingleton(key), undefined);
  assert.notEqual(
    here.processSingleton(key, () => ({})),
    first,
  );
});

test("an asynchronous value that fails to open is retried by the next call; one that opened is kept", async () => {
  const key = here.singletonKey<Promise<string>>("test-async");
  let attempts = 0;
  const open = async () => {
    attempts++;
    if (attempts === 1) throw new Error("database down");
    return `open #${attempts}`;
  };
  // Concurrent callers share the one attempt in flight.
  const [x, y] = await Promise.allSettled([
    here.processSingletonAsync(key, open),
    copy.processSingletonAsync(key, open),
  ]);
  assert.equal(x.status, "rejected");
  assert.equal(y.status, "rejected");
  assert.equal(attempts, 1);
  assert.equal(await copy.processSingletonAsync(key, open), "open #2");
  assert.equal(await here.processSingletonAsync(key, open), "open #2");
  assert.equal(attempts, 2);
});

test("no module keeps process state on globalThis by hand: lib/process-singleton.ts is the one way", () => {
  const root = join(import.meta.dirname, "..");
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (rel !== "lib/db/generated") walk(rel);
      } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        if (rel === "lib/process-singleton.ts") continue;
        if (readFileSync(join(root, rel), "utf8").includes("globalThis")) offenders.push(rel);
      }
    }
  };
  for (const dir of ["app", "lib", "server", "engine"]) walk(dir);
  assert.deepEqual(offenders, []);
});
