"use client";

import { useRef, useState } from "react";
import type { PlaygroundEvent } from "@/lib/models/generation-events";
import type { PlaygroundRequest } from "@/lib/models/playground-request";
import type { ExpertWeight } from "@/lib/models/routing";
import { readEvents } from "@/lib/streams/read-events";

/** A generated piece of text and the experts that produced it (heaviest first). */
export interface Piece {
  text: string;
  routing: ExpertWeight[];
}

export type GenerationStatus =
  | { kind: "idle" }
  | { kind: "running"; started: number }
  | { kind: "done"; finishReason: string; tokens: number; ms: number }
  | { kind: "stopped"; tokens: number }
  | { kind: "error"; message: string };

/** One streamed generation at a time: start, stop, the pieces so far and how it ended. */
export function useGeneration() {
  const [pieces, setPieces] = useState<Piece[]>([]);
  const [status, setStatus] = useState<GenerationStatus>({ kind: "idle" });
  const abortRef = useRef<AbortController | null>(null);

  async function start(request: PlaygroundRequest) {
    if (abortRef.current) return;
    const controller = new AbortController();
    abortRef.current = controller;
    setPieces([]);
    const started = performance.now();
    setStatus({ kind: "running", started });
    let tokens = 0;
    try {
      const res = await fetch("/api/playground/generate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        signal: controller.signal,
        body: JSON.stringify(request),
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as {
          error?: string;
          details?: { path: string; message: string }[];
        };
        const detail = Array.isArray(body.details)
          ? body.details.map((d) => `${d.path}: ${d.message}`).join("; ")
          : "";
        setStatus({
          kind: "error",
          message: `${body.error ?? `Generation failed (HTTP ${res.status}).`}${detail ? ` ${detail}` : ""}`,
        });
        return;
      }
      // Pieces that arrive together (one network chunk) are added to the output in one update.
      let fresh: Piece[] = [];
      const flush = () => {
        const add = fresh;
        fresh = [];
        setPieces((prev) => [...prev, ...add]);
      };
      await readEvents<PlaygroundEvent>(res.body, (ev) => {
        if (ev.type === "piece") {
          tokens += 1;
          fresh.push({ text: ev.text, routing: ev.routing });
          if (fresh.length === 1) queueMicrotask(flush);
        } else if (ev.type === "done") {
          tokens = ev.tokens;
          setStatus({
            kind: "done",
            finishReason: ev.finishReason,
            tokens: ev.tokens,
            ms: performance.now() - started,
          });
        } else setStatus({ kind: "error", message: ev.message });
      });
    } catch (err) {
      if ((err as Error).name === "AbortError") setStatus({ kind: "stopped", tokens });
      else setStatus({ kind: "error", message: `Generation failed: ${(err as Error).message}` });
    } finally {
      abortRef.current = null;
    }
  }

  return { pieces, status, running: status.kind === "running", start, stop: () => abortRef.current?.abort() };
}
