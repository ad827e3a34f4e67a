import assert from "node:assert/strict";
import { test } from "node:test";
import {
  describeFilter,
  filterKey,
  filterRange,
  parseFilterKey,
  parseLeaderboardFilter,
} from "./leaderboard-filter";

test("parses subject and dates into a canonical key", () => {
  const { filter, errors } = parseLeaderboardFilter({
    to: "2026-02-01",
    subject: "Medicine",
    from: "2026-01-01",
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(filter, { subject: "Medicine", from: "2026-01-01", to: "2026-02-01" });
  assert.equal(filterKey(filter), "subject=Medicine&from=2026-01-01&to=2026-02-01");
  assert.deepEqual(parseFilterKey(filterKey(filter)), filter);
  assert.equal(filterKey({}), "");
  assert.equal(describeFilter(filter), "Medicine, 2026-01-01 to 2026-02-01");
  assert.equal(describeFilter({}), "all votes");
});

test("drops invalid parts with a message", () => {
  const bad = parseLeaderboardFilter({ subject: "Astrology", from: "2026-02-30", to: "yesterday" });
  assert.deepEqual(bad.filter, {});
  assert.equal(bad.errors.length, 3);
  const reversed = parseLeaderboardFilter({
    from: "2026-03-01",
    to: "2026-02-01",
    subject: ["Other", "Medicine"],
  });
  assert.deepEqual(reversed.filter, { subject: "Other" });
  assert.match(reversed.errors[0], /start date is after the end date/);
  assert.deepEqual(parseLeaderboardFilter({ subject: "", from: " " }), { filter: {}, errors: [] });
});

test("the date range includes the whole last day", () => {
  const r = filterRange({ from: "2026-01-01", to: "2026-01-31" });
  assert.equal(r.gte?.toISOString(), "2026-01-01T00:00:00.000Z");
  assert.equal(r.lt?.toISOString(), "2026-02-01T00:00:00.000Z");
  assert.deepEqual(filterRange({}), {});
});
