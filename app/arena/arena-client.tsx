"use client";

import Link from "next/link";
import { useRef, useState } from "react";
import type { BattleStreamEvent, Side } from "@/lib/arena/battle-events";
import { isSubject, SUBJECTS, type Subject } from "@/lib/arena/subjects";
import type { VoteChoice, VoteResult } from "@/lib/arena/votes";
import { DEMO_EXPLANATION } from "@/lib/providers/demo-models";
import type { ArenaPassage } from "@/lib/providers/types";
import { readEvents } from "@/lib/streams/read-events";
import type { TraceRules } from "@/lib/trace/form-rules";
import { CitedPassage } from "../components/cited-passage";
import { DocumentsPanel } from "../trace/documents-panel";
import { useTraceSelection } from "../trace/use-trace-selection";
import { AnswerCard, ModelName } from "./answer-card";
import { PassageList } from "./passage-list";
import { useBattleTraces } from "./use-battle-traces";

type Phase = "idle" | "starting" | "streaming" | "answered" | "voided" | "voting" | "voted";
type Choice = VoteChoice;

const MAX_CHARS = 4000;

const CHOICES: { choice: Choice; label: string }[] = [
  { choice: "a", label: "A is better" },
  { choice: "b", label: "B is better" },
  { choice: "tie", label: "Tie" },
  { choice: "bothbad", label: "Both are bad" },
];

const CHOICE_TEXT: Record<Choice, string> = {
  a: "You voted: A is better.",
  b: "You voted: B is better.",
  tie: "You voted: tie.",
  bothbad: "You voted: both are bad.",
};

/** What the vote reveals. */
type Reveal = Omit<VoteResult, "repeated">;

/**
 * The arena: ask, read two anonymous answers as they stream, vote, see the names; then trace either answer
 * in place (its spans over the text, its documents beside it) and start a new battle.
 */
export function ArenaClient({ traceLevels }: { traceLevels: TraceRules["levels"] }) {
  const [question, setQuestion] = useState("");
  const [subject, setSubject] = useState<Subject>("Other");
  const [asked, setAsked] = useState("");
  const [phase, setPhase] = useState<Phase>("idle");
  const [battleId, setBattleId] = useState<string | null>(null);
  const [passages, setPassages] = useState<ArenaPassage[]>([]);
  /** The battle event arrived (with the passages, possibly none): until then they are still coming. */
  const [retrieved, setRetrieved] = useState(false);
  const [answers, setAnswers] = useState<Record<Side, string>>({ a: "", b: "" });
  const [done, setDone] = useState<Record<Side, boolean>>({ a: false, b: false });
  const [thinking, setThinking] = useState<Record<Side, boolean>>({ a: false, b: false });
  const [error, setError] = useState<string | null>(null);
  const [reveal, setReveal] = useState<Reveal | null>(null);
  const [cited, setCited] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);
  /** Set while a vote is in flight: a second click before the re-render is ignored, not sent. */
  const voting = useRef(false);
  const questionBox = useRef<HTMLTextAreaElement>(null);
  const traces = useBattleTraces(asked);
  const selection = useTraceSelection();

  const busy = phase === "starting" || phase === "streaming" || phase === "voting";

  async function ask(e: React.FormEvent) {
    e.preventDefault();
    const q = question.trim();
    if (!q) {
      setError("Ask a question: it cannot be empty.");
      return;
    }
    if (q.length > MAX_CHARS) {
      setError(`A question has at most ${MAX_CHARS.toLocaleString("en")} characters.`);
      return;
    }
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setReveal(null);
    setCited(null);
    setBattleId(null);
    setPassages([]);
    setRetrieved(false);
    traces.reset();
    selection.reset();
    setAnswers({ a: "", b: "" });
    setDone({ a: false, b: false });
    setThinking({ a: false, b: false });
    setAsked(q);
    setPhase("starting");
    let res: Response;
    try {
      res = await fetch("/api/arena/battles", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question: q, subject }),
        signal: controller.signal,
      });
    } catch {
      setPhase("idle");
      setError("The server could not be reached. Check your connection and try again.");
      return;
    }
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      setPhase("idle");
      setError(body.error ?? `The battle could not start (HTTP ${res.status}).`);
      return;
    }
    setPhase("streaming");
    let finished = false;
    try {
      await readEvents<BattleStreamEvent>(res.body, (ev) => {
        if (ev.type === "battle") {
          setBattleId(ev.id);
          setPassages(ev.passages);
          setRetrieved(true);
        } else if (ev.type === "chunk") {
          setAnswers((prev) => ({ ...prev, [ev.side]: prev[ev.side] + ev.text }));
        } else if (ev.type === "thinking") {
          setThinking((prev) => ({ ...prev, [ev.side]: true }));
        } else if (ev.type === "retracted") {
          setAnswers((prev) => ({ ...prev, [ev.side]: "" }));
          setThinking((prev) => ({ ...prev, [ev.side]: true }));
        } else if (ev.type === "done") {
          setDone((prev) => ({ ...prev, [ev.side]: true }));
        } else if (ev.type === "answered") {
          finished = true;
          setPhase("answered");
        } else if (ev.type === "void") {
          finished = true;
          setPhase("voided");
          setError(ev.message);
        }
      });
    } catch {
      // Fall through: an interrupted stream voids the battle on the server.
    }
    if (!finished && !controller.signal.aborted) {
      setPhase("voided");
      setError("The connection was lost before both answers finished. This battle is void; ask again.");
    }
  }

  async function vote(choice: Choice) {
    if (!battleId || voting.current) return;
    voting.current = true;
    setPhase("voting");
    setError(null);
    try {
      const res = await fetch(`/api/arena/battles/${encodeURIComponent(battleId)}/vote`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ choice }),
      });
      const body = (await res.json().catch(() => ({}))) as Partial<Reveal> & { error?: string };
      if (!res.ok || !body.modelA || !body.modelB) {
        setPhase("answered");
        setError(body.error ?? `The vote was not recorded (HTTP ${res.status}). Try again.`);
        return;
      }
      setReveal({
        modelA: body.modelA,
        modelB: body.modelB,
        demoA: !!body.demoA,
        demoB: !!body.demoB,
        reasoningA: body.reasoningA ?? null,
        reasoningB: body.reasoningB ?? null,
        choice: body.choice ?? choice,
        flagged: !!body.flagged,
      });
      setPhase("voted");
    } catch {
      setPhase("answered");
      setError("The server could not be reached. Your vote was not recorded; try again.");
    } finally {
      voting.current = false;
    }
  }

  /** Back to an empty question, ready for the next battle. */
  function newBattle() {
    abort.current?.abort();
    setPhase("idle");
    setAsked("");
    setQuestion("");
    setBattleId(null);
    setPassages([]);
    setRetrieved(false);
    setAnswers({ a: "", b: "" });
    setDone({ a: false, b: false });
    setThinking({ a: false, b: false });
    setReveal(null);
    setCited(null);
    setError(null);
    traces.reset();
    selection.reset();
    questionBox.current?.focus();
  }

  const passage = cited ? passages.find((p) => p.n === cited) : undefined;
  const citeLabel = (n: number) => {
    const p = passages.find((x) => x.n === n);
    return p ? `Citation ${n}: ${p.paper.title}` : `Citation ${n}`;
  };

  return (
    <div className="space-y-6">
      <form onSubmit={ask} className="card space-y-3" noValidate>
        <label htmlFor="question" className="block text-sm font-medium">
          Your question
        </label>
        <textarea
          id="question"
          name="question"
          ref={questionBox}
          className="input min-h-24"
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          placeholder="e.g. How can a language model let data owners opt out of training data at inference time?"
          aria-describedby="question-hint"
          aria-invalid={error && phase === "idle" ? true : undefined}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
          }}
        />
        <div className="flex flex-wrap items-center gap-3">
          <label htmlFor="subject" className="text-sm font-medium">
            Field
          </label>
          <select
            id="subject"
            name="subject"
            className="input w-auto"
            value={subject}
            onChange={(e) => setSubject(isSubject(e.target.value) ? e.target.value : "Other")}
          >
            {SUBJECTS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <button type="submit" className="btn-primary" disabled={busy}>
            {phase === "starting" || phase === "streaming" ? "Answering…" : "Ask both models"}
          </button>
          <span id="question-hint" className="muted text-xs">
            {question.length.toLocaleString("en")} / {MAX_CHARS.toLocaleString("en")} characters · Ctrl+Enter
            to ask. Two anonymous models answer from the same retrieved papers.
          </span>
        </div>
      </form>

      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {error}
        </p>
      )}

      {phase !== "idle" && asked && (
        <section aria-label="Battle" className="space-y-4">
          <p className="text-sm">
            <span className="muted">Question: </span>
            <span className="whitespace-pre-wrap font-medium">{asked}</span>
          </p>

          {passages.length > 0 && <PassageList passages={passages} className="card p-4" />}
          {!retrieved && phase !== "voided" && (
            <p className="muted text-sm" role="status">
              Retrieving passages from the literature…
            </p>
          )}
          {retrieved && passages.length === 0 && (
            <p className="muted text-sm">
              Nothing relevant to this question was found in the literature collection. Both models were told
              so and answer without citations.
            </p>
          )}

          <div
            className={`grid grid-cols-1 gap-4 md:grid-cols-2 ${traces.open ? "lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,22rem)]" : ""}`}
          >
            {(["a", "b"] as const).map((side) => (
              <AnswerCard
                key={side}
                side={side}
                // On a phone the documents of a traced answer come right after it.
                className={side === "a" ? "order-1" : traces.open === "a" ? "order-3 md:order-2" : "order-2"}
                text={answers[side]}
                status={
                  done[side] ? "finished" : phase === "streaming" || phase === "starting" ? "writing…" : ""
                }
                placeholder={
                  phase === "voided"
                    ? "No answer."
                    : thinking[side]
                      ? "The model is reasoning before it answers; its reasoning is shown after your vote."
                      : "Waiting for the first words…"
                }
                name={reveal ? (side === "a" ? reveal.modelA : reveal.modelB) : null}
                demo={reveal ? (side === "a" ? reveal.demoA : reveal.demoB) : false}
                reasoning={reveal ? (side === "a" ? reveal.reasoningA : reveal.reasoningB) : null}
                busy={!done[side] && phase === "streaming"}
                passageCount={passages.length}
                onCite={setCited}
                citeLabel={citeLabel}
                traces={traces}
                selection={selection}
              />
            ))}
            {traces.open && traces.traces[traces.open] && (
              <div
                className={`min-w-0 ${traces.open === "a" ? "order-2" : "order-3"} md:order-3 md:col-span-2 lg:sticky lg:top-4 lg:col-span-1 lg:col-start-3 lg:row-start-1 lg:max-h-[calc(100vh-2rem)] lg:self-start lg:overflow-y-auto`}
              >
                <DocumentsPanel
                  result={traces.traces[traces.open]!}
                  selection={selection}
                  levels={traceLevels}
                  headingId="battle-docs-h"
                  title={`Documents for answer ${traces.open.toUpperCase()}`}
                />
              </div>
            )}
          </div>

          {passage && <CitedPassage passage={passage} onClose={() => setCited(null)} />}

          {(phase === "answered" || phase === "voting" || phase === "voted") && (
            <fieldset className="card space-y-3">
              <legend className="px-1 text-sm font-medium">Which answer is better?</legend>
              <div className="flex flex-wrap gap-2">
                {CHOICES.map((c) => (
                  <button
                    key={c.choice}
                    type="button"
                    className={reveal?.choice === c.choice ? "btn-primary" : "btn-secondary"}
                    disabled={phase !== "answered"}
                    onClick={() => vote(c.choice)}
                  >
                    {c.label}
                  </button>
                ))}
              </div>
              {reveal && (
                <div role="status" className="text-sm">
                  <p>
                    {CHOICE_TEXT[reveal.choice]} Model A was{" "}
                    <ModelName name={reveal.modelA} demo={reveal.demoA} />; Model B was{" "}
                    <ModelName name={reveal.modelB} demo={reveal.demoB} />.
                  </p>
                  {(reveal.demoA || reveal.demoB) && <p className="muted mt-1">{DEMO_EXPLANATION}</p>}
                  {reveal.flagged && (
                    <p className="muted mt-1">
                      An answer named a model, so this battle is kept out of the ratings.
                    </p>
                  )}
                  <p className="mt-2 flex flex-wrap items-center gap-3">
                    <button type="button" className="btn-primary" onClick={newBattle}>
                      New battle
                    </button>
                    <span className="muted">or trace either answer above, or</span>
                    <Link href="/leaderboard" className="text-sky-700 underline dark:text-sky-400">
                      See the leaderboard
                    </Link>
                  </p>
                </div>
              )}
            </fieldset>
          )}
          {(phase === "streaming" || phase === "starting") && (
            <p className="muted text-sm">Voting opens when both answers have finished.</p>
          )}
          {phase === "voided" && (
            <button type="button" className="btn-secondary" onClick={newBattle}>
              New battle
            </button>
          )}
        </section>
      )}
    </div>
  );
}
