/**
 * The agreement report as the admin page reads it: computed once per change of the calibration data, in
 * the background, never inside a request. The data's version is a handful of aggregates (calibration items
 * and votes: counts, active items, latest times); the report computed for a version is stored in the
 * Setting table, so every instance and every restart shares it. A page whose version differs from the
 * stored one gets the stored report (marked stale) and queues a refresh: one leased job across all
 * instances (lib/jobs), whose bootstrap runs in a worker thread (./agreement-worker.ts), so the report at
 * 60,000 rated items (about 14 CPU-seconds) never holds a request or the event loop.
 */
import { resolveWorker } from "../../engine/worker-path";
import type { Db } from "../db/create";
import type { JobStore } from "../jobs";
import { log } from "../log";
import { runWorkerJob } from "../worker-job";
import {
  type AgreementInput,
  type AgreementReport,
  computeAgreement,
  readAgreementInput,
} from "./calibration";

export const AGREEMENT_QUEUE = "agreement-refresh";
export const AGREEMENT_REPORT_KEY = "agreement.report";

export interface StoredAgreement {
  version: string;
  computedAt: string;
  report: AgreementReport;
}

export interface AgreementView {
  /** The latest computed report; null before the first one is done. */
  report: AgreementReport | null;
  computedAt: Date | null;
  /** The calibration data changed since: a refresh is queued or running. */
  stale: boolean;
}

/**
 * The calibration data's version: changes with every vote, item, publication or withdrawal. Counts, plus the
 * largest ids (cuids grow with time, and the primary-key index answers a max at once), plus the active items
 * (withdrawing changes nothing else). Three cheap queries, whatever the data's size: O(n) only in counting.
 */
export async function agreementVersion(db: Db): Promise<string> {
  const [votes, items, active] = await Promise.all([
    db.calibrationVote.aggregate({ _count: { _all: true }, _max: { id: true } }),
    db.calibrationItem.aggregate({ _count: { _all: true }, _max: { id: true } }),
    db.calibrationItem.count({ where: { active: true } }),
  ]);
  return [votes._count._all, votes._max.id ?? "", items._count._all, items._max.id ?? "", active].join(":");
}

async function readStored(db: Db): Promise<StoredAgreement | null> {
  const row = await db.setting.findUnique({ where: { key: AGREEMENT_REPORT_KEY } });
  if (!row) return null;
  try {
    return JSON.parse(row.value) as StoredAgreement;
  } catch {
    return null;
  }
}

/** The stored report for the page; queues a refresh (deduplicated across instances) when it is stale. */
export async function readAgreement(db: Db, store: JobStore): Promise<AgreementView> {
  const [version, stored] = await Promise.all([agreementVersion(db), readStored(db)]);
  const stale = stored?.version !== version;
  if (stale)
    await store
      .send(AGREEMENT_QUEUE, {}, { key: "agreement" })
      .catch((e) =>
        log("agreement").warn({ err: (e as Error).message }, "queueing the agreement report failed"),
      );
  return {
    report: stored?.report ?? null,
    computedAt: stored ? new Date(stored.computedAt) : null,
    stale,
  };
}

/** The worker entry of the computation, or null (then it runs in-process). */
function agreementWorker(): URL | null {
  if (process.env.RATINGS_WORKER === "off") return null;
  return resolveWorker("agreement-worker", import.meta.url, "./agreement-worker.ts");
}

/**
 * The refresh job: reads the version first (a change during the computation leaves the stored report
 * stale, so the next page queues another), reads the data, computes off-thread, stores.
 */
export async function refreshAgreement(db: Db): Promise<StoredAgreement> {
  const version = await agreementVersion(db);
  const input = await readAgreementInput(db);
  const { result: report, mode } = await runWorkerJob(
    "agreement",
    agreementWorker(),
    input,
    async (i: AgreementInput) => computeAgreement(i),
  );
  const stored: StoredAgreement = { version, computedAt: new Date().toISOString(), report };
  const value = JSON.stringify(stored);
  await db.setting.upsert({
    where: { key: AGREEMENT_REPORT_KEY },
    create: { key: AGREEMENT_REPORT_KEY, value },
    update: { value },
  });
  log("agreement").info({ version, items: report.ratedItems, mode }, "agreement report stored");
  return stored;
}
