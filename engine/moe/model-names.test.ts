import assert from "node:assert/strict";
import { test } from "node:test";
import { FlexOlmoError } from "./errors";
import { listExpertConfigurations, resolveExpertConfiguration } from "./model-names";

const ids = ["public", "code", "email"];

test("configuration names cover all, public only, each expert and each opt-out", () => {
  assert.deepEqual(
    listExpertConfigurations(ids).map((c) => c.name),
    [
      "flexolmo-all",
      "flexolmo-public",
      "flexolmo-code",
      "flexolmo-email",
      "flexolmo-no-code",
      "flexolmo-no-email",
    ],
  );
  assert.deepEqual(resolveExpertConfiguration("flexolmo-no-code", ids).experts, ["email"]);
  assert.deepEqual(resolveExpertConfiguration("flexolmo-public", ids).experts, []);
  assert.deepEqual(resolveExpertConfiguration("flexolmo-all", ids).experts, ["code", "email"]);
});

test("an unknown configuration name is an UNKNOWN_EXPERT error", () => {
  assert.throws(
    () => resolveExpertConfiguration("flexolmo-no-legal", ids),
    (e: unknown) => e instanceof FlexOlmoError && e.code === "UNKNOWN_EXPERT",
  );
});
