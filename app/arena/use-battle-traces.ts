"use client";

import { useState } from "react";
import type { Side } from "@/lib/arena/battle-events";
import type { TraceAnswer } from "@/lib/trace/stored-traces";
import { postJson } from "../components/post-json";

/**
 * Traces of a battle's two answers, run on demand after the vote and kept for the battle: either answer
 * can be traced, one is open at a time (its spans over the answer, its documents beside it), and switching
 * back to one already traced costs nothing.
 */
export function useBattleTraces(question: string) {
  const [traces, setTraces] = useState<Record<Side, TraceAnswer | null>>({ a: null, b: null });
  const [busy, setBusy] = useState<Side | null>(null);
  const [errors, setErrors] = useState<Record<Side, string | null>>({ a: null, b: null });
  const [open, setOpen] = useState<Side | null>(null);

  async function trace(side: Side, text: string) {
    if (traces[side]) {
      setOpen(side);
      return;
    }
    setBusy(side);
    setErrors((e) => ({ ...e, [side]: null }));
    try {
      const answer = await postJson<TraceAnswer>("/api/v1/trace", {
        response: text,
        prompt: question.trim() || undefined,
      });
      setTraces((t) => ({ ...t, [side]: answer }));
      setOpen(side);
    } catch (e) {
      setErrors((x) => ({ ...x, [side]: (e as Error).message }));
    } finally {
      setBusy(null);
    }
  }

  return {
    traces,
    busy,
    errors,
    open,
    trace,
    close: () => setOpen(null),
    reset: () => {
      setTraces({ a: null, b: null });
      setErrors({ a: null, b: null });
      setOpen(null);
      setBusy(null);
    },
  };
}

export type BattleTraces = ReturnType<typeof useBattleTraces>;
