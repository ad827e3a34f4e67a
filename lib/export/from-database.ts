/**
 * Exports of the app's own database: the reads of ./query.ts bound to `db()`, with voters named by a
 * pseudonym (an HMAC under the export's purpose key) instead of their ids. Route handlers and pages call these.
 */
import "server-only";
import { db } from "../db/client";
import { pseudonym } from "../secrets";
import type { ExportFormat } from "./formats";
import { countExport, type ExportFilters, exportRecords, exportStream, previewExport } from "./query";

/** Voter ids in exports: an HMAC of the user id under its own purpose key (stable across exports). */
export const VOTER_PURPOSE = "export-voter";
export const voterPseudonym = (userId: string) => pseudonym(VOTER_PURPOSE, userId);

export function streamExport(format: ExportFormat, filters: ExportFilters): ReadableStream<Uint8Array> {
  return exportStream(db(), format, filters, voterPseudonym);
}

export async function exportSummary(filters: ExportFilters) {
  const [count, preview] = await Promise.all([
    countExport(db(), filters),
    previewExport(db(), filters, voterPseudonym, 5),
  ]);
  return { count, preview };
}

export function exportSlice(filters: ExportFilters) {
  return exportRecords(db(), filters, voterPseudonym);
}

/** Subjects and model names present in the votes, for the filter form. */
export async function exportFacets() {
  const [subjects, models] = await Promise.all([
    db().battle.findMany({
      where: { vote: { isNot: null }, subject: { not: null } },
      distinct: ["subject"],
      select: { subject: true },
      orderBy: { subject: "asc" },
      take: 200,
    }),
    db().modelProvider.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
  ]);
  return {
    subjects: subjects.flatMap((s) => (s.subject ? [s.subject] : [])),
    models: models.map((m) => m.name),
  };
}
