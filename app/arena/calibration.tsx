"use client";

import { useState } from "react";
import type { ArenaPassage } from "@/lib/providers/types";
import { CitedPassage } from "../components/cited-passage";
import { AnswerText } from "./answer-text";
import { PassageList } from "./passage-list";

/**
 * "Help calibrate": on request, a researcher judges a saved pair (an admin-marked battle or a pair of a
 * published SciArena-Eval dataset) with the same four choices as the arena. Offered on demand rather than
 * interleaved every N battles so that a calibration pair never interrupts a question the researcher is
 * asking and the arena's own flow stays untouched; the server picks the item and decides whether the answers
 * are shown swapped. Model names are never sent to the browser for calibration pairs.
 */

type Choice = "a" | "b" | "tie" | "bothbad";
interface Citation {
  concise_authors: string;
  content: string;
}
interface Task {
  itemId: string;
  source: "battle" | "dataset";
  question: string;
  passages: ArenaPassage[];
  answerA: string;
  answerB: string;
  citationsA: Citation[];
  citationsB: Citation[];
}
type State =
  | { kind: "closed" }
  | { kind: "loading" }
  | { kind: "empty" }
  | { kind: "task"; task: Task; voting: boolean; voted?: Choice };

const CHOICES: { choice: Choice; label: string }[] = [
  { choice: "a", label: "A is better" },
  { choice: "b", label: "B is better" },
  { choice: "tie", label: "Tie" },
  { choice: "bothbad", label: "Both are bad" },
];

export function CalibrationPanel() {
  const [state, setState] = useState<State>({ kind: "closed" });
  const [error, setError] = useState<string | null>(null);
  const [cited, setCited] = useState<number | null>(null);

  async function load() {
    setError(null);
    setCited(null);
    setState({ kind: "loading" });
    try {
      const res = await fetch("/api/v1/calibration/next", { cache: "no-store" });
      const body = (await res.json().catch(() => ({}))) as { task?: Task | null; error?: string };
      if (!res.ok) {
        setError(body.error ?? `No calibration pair could be loaded (HTTP ${res.status}).`);
        setState({ kind: "closed" });
        return;
      }
      setState(body.task ? { kind: "task", task: body.task, voting: false } : { kind: "empty" });
    } catch {
      setError("The server could not be reached. Try again.");
      setState({ kind: "closed" });
    }
  }

  async function vote(task: Task, choice: Choice) {
    setError(null);
    setState({ kind: "task", task, voting: true });
    try {
      const res = await fetch(`/api/v1/calibration/${encodeURIComponent(task.itemId)}/vote`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ choice }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        setError(body.error ?? `The rating was not recorded (HTTP ${res.status}). Try again.`);
        setState({ kind: "task", task, voting: false });
        return;
      }
      setState({ kind: "task", task, voting: false, voted: choice });
    } catch {
      setError("The server could not be reached. Your rating was not recorded; try again.");
      setState({ kind: "task", task, voting: false });
    }
  }

  const task = state.kind === "task" ? state.task : null;
  const passages = task?.passages ?? [];
  const passage = cited ? passages.find((p) => p.n === cited) : undefined;
  const citeLabel = (n: number) => {
    const p = passages.find((x) => x.n === n);
    return p ? `Citation ${n}: ${p.paper.title}` : `Citation ${n}`;
  };

  return (
    <section aria-labelledby="calibrate-heading" className="card space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="calibrate-heading" className="text-lg font-semibold">
            Help calibrate
          </h2>
          <p className="muted text-sm">
            Judge a saved pair of answers. Your rating is kept apart from the leaderboard and tells us how far
            researchers agree with each other.
          </p>
        </div>
        {(state.kind === "closed" || state.kind === "loading") && (
          <button type="button" className="btn-secondary" onClick={load} disabled={state.kind === "loading"}>
            {state.kind === "loading" ? "Loading…" : "Help calibrate: judge a saved pair"}
          </button>
        )}
      </div>

      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {error}
        </p>
      )}

      {state.kind === "empty" && (
        <div role="status" className="flex flex-wrap items-center gap-3 text-sm">
          <p>No saved pairs are waiting for you right now. Thank you!</p>
          <button type="button" className="btn-secondary" onClick={() => setState({ kind: "closed" })}>
            Close
          </button>
        </div>
      )}

      {task && state.kind === "task" && (
        <div className="space-y-4">
          <p className="text-sm">
            <span className="muted">Question: </span>
            <span className="whitespace-pre-wrap font-medium">{task.question}</span>
          </p>
          {passages.length > 0 && (
            <PassageList
              passages={passages}
              className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
            />
          )}
          <div className="grid gap-4 md:grid-cols-2">
            {(["a", "b"] as const).map((side) => {
              const text = side === "a" ? task.answerA : task.answerB;
              const cites = side === "a" ? task.citationsA : task.citationsB;
              const label = side.toUpperCase();
              return (
                <article
                  key={side}
                  aria-label={`Calibration answer ${label}`}
                  className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
                >
                  <h3 className="font-semibold">Answer {label}</h3>
                  {text ? (
                    <AnswerText
                      text={text}
                      passageCount={passages.length}
                      onCite={setCited}
                      citeLabel={citeLabel}
                    />
                  ) : (
                    <p className="muted text-sm">No answer.</p>
                  )}
                  {cites.length > 0 && (
                    <div className="text-xs">
                      <p className="font-medium">Citations of answer {label}</p>
                      <ol className="mt-1 list-decimal space-y-1 pl-5">
                        {cites.map((c, i) => (
                          <li key={`${i}-${c.concise_authors}`}>
                            <span className="font-medium">{c.concise_authors}</span>
                            <span className="muted">: {c.content}</span>
                          </li>
                        ))}
                      </ol>
                    </div>
                  )}
                </article>
              );
            })}
          </div>
          {passage && (
            <CitedPassage
              passage={passage}
              onClose={() => setCited(null)}
              className="rounded-lg border p-4"
            />
          )}
          <fieldset className="space-y-3">
            <legend className="px-1 text-sm font-medium">Which saved answer is better?</legend>
            <div className="flex flex-wrap gap-2">
              {CHOICES.map((c) => (
                <button
                  key={c.choice}
                  type="button"
                  className={state.voted === c.choice ? "btn-primary" : "btn-secondary"}
                  disabled={state.voting || state.voted !== undefined}
                  onClick={() => vote(task, c.choice)}
                >
                  {c.label}
                </button>
              ))}
            </div>
          </fieldset>
          {state.voted && (
            <div role="status" className="flex flex-wrap items-center gap-3 text-sm">
              <p>Thank you, your rating was recorded.</p>
              <button type="button" className="btn-secondary" onClick={load}>
                Judge another pair
              </button>
              <button type="button" className="btn-secondary" onClick={() => setState({ kind: "closed" })}>
                Done
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
