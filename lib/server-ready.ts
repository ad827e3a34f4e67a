/**
 * Published (node:diagnostics_channel, process-wide by name) once the app's start-up work is done:
 * configuration checked, migrations applied, arena seeded (instrumentation-node.ts). The production
 * server's fast routes (server/fast-routes.ts) leave requests to Next.js until then.
 */
export const SERVER_READY = "lmr:server-ready";
