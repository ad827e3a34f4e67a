"use client";

import { useQuery } from "@tanstack/react-query";
import { isLive, type Run } from "./types";

export const JUDGE_RUNS_KEY = ["judge-runs"];

/** The runs, polled every second while one is queued or running (forms invalidate JUDGE_RUNS_KEY). */
export function useJudgeRuns(initialRuns: Run[]) {
  return useQuery<Run[]>({
    queryKey: JUDGE_RUNS_KEY,
    queryFn: async () => {
      const res = await fetch("/api/v1/admin/judges/runs");
      if (!res.ok) throw new Error("Could not load the runs.");
      return (await res.json()).runs as Run[];
    },
    initialData: initialRuns,
    refetchInterval: (q) => ((q.state.data ?? []).some((r) => isLive(r.status)) ? 1000 : false),
  });
}
