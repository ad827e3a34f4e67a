import assert from "node:assert/strict";
import { test } from "node:test";
import { findConfiguration, listConfigurations, resolveExperts } from "./configurations";

const experts = [
  { id: "public", alwaysOn: true },
  { id: "creative", alwaysOn: false },
  { id: "code", alwaysOn: false },
  { id: "docs", alwaysOn: false },
  { id: "email", alwaysOn: false },
];

test("names every configuration: all, public, each domain with and without", () => {
  const ids = listConfigurations(experts).map((c) => c.id);
  assert.deepEqual(ids, [
    "flexolmo-all",
    "flexolmo-public",
    "flexolmo-creative",
    "flexolmo-code",
    "flexolmo-docs",
    "flexolmo-email",
    "flexolmo-no-creative",
    "flexolmo-no-code",
    "flexolmo-no-docs",
    "flexolmo-no-email",
  ]);
  assert.equal(new Set(ids).size, ids.length);
});

test("each configuration enables the right experts, public always first and on", () => {
  const get = (name: string) => findConfiguration(experts, name)?.experts;
  assert.deepEqual(get("flexolmo-all"), ["public", "creative", "code", "docs", "email"]);
  assert.deepEqual(get("flexolmo-public"), ["public"]);
  assert.deepEqual(get("flexolmo-code"), ["public", "code"]);
  assert.deepEqual(get("flexolmo-no-code"), ["public", "creative", "docs", "email"]);
  for (const c of listConfigurations(experts)) assert.equal(c.experts[0], "public");
  assert.equal(findConfiguration(experts, "flexolmo-no-public"), undefined);
  assert.equal(findConfiguration(experts, "gpt-4"), undefined);
});

test("explicit experts override the model's set and keep the public expert on", () => {
  const all = findConfiguration(experts, "flexolmo-all");
  assert.ok(all);
  assert.deepEqual(resolveExperts(experts, all, undefined), { ok: true, experts: all.experts });
  assert.deepEqual(resolveExperts(experts, all, ["email", "code"]), {
    ok: true,
    experts: ["public", "code", "email"],
  });
  assert.deepEqual(resolveExperts(experts, all, []), { ok: true, experts: ["public"] });
  assert.deepEqual(resolveExperts(experts, all, ["public"]), { ok: true, experts: ["public"] });
  assert.deepEqual(resolveExperts(experts, all, ["code", "legal"]), { ok: false, unknown: "legal" });
});

test("configurations follow the installed experts", () => {
  const two = [
    { id: "public", alwaysOn: true },
    { id: "code", alwaysOn: false },
  ];
  assert.deepEqual(
    listConfigurations(two).map((c) => [c.id, c.experts.join("+")]),
    [
      ["flexolmo-all", "public+code"],
      ["flexolmo-public", "public"],
      ["flexolmo-code", "public+code"],
      ["flexolmo-no-code", "public"],
    ],
  );
});
