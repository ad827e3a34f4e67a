/**
 * Worker-thread entry of the agreement report's bootstrap (./cached-report.ts): receives the tallied
 * input, posts back the report (lib/worker-job.ts). Bundled to dist/engine/agreement-worker.js by
 * scripts/build-engine.ts.
 */
import { serveWorkerJob } from "../worker-job";
import { type AgreementInput, computeAgreement } from "./calibration";

serveWorkerJob(async (input: AgreementInput) => computeAgreement(input));
