"use client";

import { useCallback, useEffect, useState } from "react";

/**
 * Which highlighted region is selected (filters the documents) and which document is located (outlines
 * its spans). Clicking outside the spans, the documents, dialogs and forms, or pressing Escape, clears both.
 */
export function useTraceSelection() {
  const [region, setRegion] = useState<number | null>(null);
  const [located, setLocated] = useState<number | null>(null);
  const reset = useCallback(() => {
    setRegion(null);
    setLocated(null);
  }, []);

  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const t = e.target as Element | null;
      if (t && !t.closest("[data-keep-selection], dialog, form")) reset();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !document.querySelector("dialog[open]")) reset();
    };
    document.addEventListener("click", onClick);
    window.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("click", onClick);
      window.removeEventListener("keydown", onKey);
    };
  }, [reset]);

  return {
    region,
    located,
    reset,
    /** Selects a region (again: deselects it). */
    toggleRegion: (r: number) => {
      setLocated(null);
      setRegion((cur) => (cur === r ? null : r));
    },
    /** Locates a document (again: stops). */
    toggleLocated: (d: number) => {
      setRegion(null);
      setLocated((cur) => (cur === d ? null : d));
    },
  };
}

export type TraceSelection = ReturnType<typeof useTraceSelection>;
