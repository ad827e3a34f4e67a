import type { ContaminationResult } from "@/engine/fm/index";
import type { ContaminationSummary } from "@/lib/search/contamination";
import type { InfiniGramDocument } from "@/lib/search/infini-gram";

export interface CountAnswer {
  count: number;
  count_by_domain: Record<string, number>;
  latency: number;
}

export interface SearchDocsAnswer {
  cnt: number;
  documents: InfiniGramDocument[];
  next_offset: number | null;
  latency: number;
}

export interface ContaminationAnswer {
  results: ContaminationResult[];
  summary: ContaminationSummary;
  latency: number;
}
