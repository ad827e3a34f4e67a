/** The judges page's data as the browser gets it (JSON from lib/judges/views.ts and the page). */
import type { JudgeSummary } from "@/lib/judges/metrics";
import type { UnparseableGroup } from "@/lib/judges/parse";

export interface Run {
  id: string;
  judgeName: string;
  prompt: string;
  status: string;
  error: string | null;
  total: number;
  done: number;
  summary: JudgeSummary | null;
  /** Why replies gave no verdict (lib/judges/views.ts). */
  unparseable: UnparseableGroup[];
  createdAt: string;
  finishedAt: string | null;
  dataset: { id: string; name: string };
}

export interface Dataset {
  id: string;
  name: string;
  source: string;
  itemCount: number;
  createdAt: string;
}

export interface Judge {
  id: string;
  name: string;
  kind: string;
}

/** A run still queued or running (its progress shows, the list polls). */
export const isLive = (status: string) => status === "queued" || status === "running";
