import type { Metadata } from "next";
import Link from "next/link";
import { type ModelAnswerStats, modelAnswerStats } from "@/lib/arena/model-stats";
import { dailyVoteCap } from "@/lib/arena/settings";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { DEMO_EXPLANATION, DEMO_LABEL, isDemoModel } from "@/lib/providers/demo-models";
import { DataRow, DataTable } from "../../components/data-table";
import {
  ImportPapersForm,
  LeaderboardToggleButton,
  ReasoningStartButton,
  RegisterModelForm,
  ToggleModelButton,
  VoteCapForm,
} from "./forms";

export const metadata: Metadata = { title: "Models" };

const KIND: Record<string, string> = {
  local: "FlexOlmo (local)",
  openai: "OpenAI-compatible",
  extractive: "Extractive baseline",
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Mean time to the first token and to the end, and mean tokens, of a model's stored answers. */
function AnswerFigures({ stats }: { stats?: ModelAnswerStats }) {
  if (!stats || stats.answers === 0) return <span className="muted">none yet</span>;
  return (
    <>
      {stats.answers} stored
      {stats.meanFirstTokenMs !== null && (
        <span className="muted block">first token {seconds(stats.meanFirstTokenMs)}</span>
      )}
      {stats.meanLatencyMs !== null && (
        <span className="muted block">whole {seconds(stats.meanLatencyMs)}</span>
      )}
      {stats.meanCompletionTokens !== null && (
        <span className="muted block">{Math.round(stats.meanCompletionTokens)} tokens</span>
      )}
    </>
  );
}

export default async function ModelsPage() {
  await requirePageUser("admin");
  const [models, stats, cap, papers] = await Promise.all([
    db().modelProvider.findMany({
      orderBy: [{ builtin: "desc" }, { name: "asc" }],
      select: {
        id: true,
        name: true,
        kind: true,
        baseUrl: true,
        modelName: true,
        apiKeyCipher: true,
        timeoutMs: true,
        maxConcurrent: true,
        enabled: true,
        onLeaderboard: true,
        weight: true,
        config: true,
        reasoningStartsInside: true,
      },
    }),
    modelAnswerStats(db()),
    dailyVoteCap(db()),
    db().paper.count(),
  ]);
  return (
    <div className="space-y-10">
      <div>
        <p className="text-sm">
          <Link href="/admin" className="underline">
            Admin
          </Link>{" "}
          / Models
        </p>
        <h1 className="mt-1 text-2xl font-semibold">Arena models and literature</h1>
        <p className="muted mt-1 text-sm">
          Models that answer in the arena, how often they are sampled, how fast they answer (means over their
          stored answers), the vote cap, and the paper collection.
        </p>
      </div>

      <section aria-labelledby="models-heading" className="space-y-3">
        <h2 id="models-heading" className="text-lg font-semibold">
          Models <span className="muted text-sm font-normal">({models.length})</span>
        </h2>
        <DataTable
          columns={[
            "Name",
            "Kind",
            "Endpoint",
            "Limits",
            "Weight",
            "Battles",
            "Answers",
            "Status",
            "Actions",
          ]}
        >
          {models.map((m) => (
            <DataRow key={m.id}>
              <th scope="row" className="px-3 py-2 font-medium">
                {m.name}
              </th>
              <td className="px-3 py-2">
                {KIND[m.kind] ?? m.kind}
                {isDemoModel(m.kind) && (
                  <span className="muted block text-xs" title={DEMO_EXPLANATION}>
                    {DEMO_LABEL}: unreadable answers
                  </span>
                )}
              </td>
              <td className="max-w-[18rem] px-3 py-2 text-xs">
                {m.kind === "openai" ? (
                  <>
                    <span className="block truncate" title={m.baseUrl ?? ""}>
                      {m.baseUrl}
                    </span>
                    <span className="muted">
                      {m.modelName} · {m.apiKeyCipher ? "key stored (encrypted)" : "no key"}
                    </span>
                    {m.reasoningStartsInside && (
                      <span className="muted block" data-testid={`reasoning-${m.name}`}>
                        replies start inside &lt;think&gt;
                      </span>
                    )}
                  </>
                ) : m.kind === "local" ? (
                  <span className="muted">
                    experts: {(JSON.parse(m.config ?? "{}") as { experts?: string[] }).experts?.join(", ")}
                  </span>
                ) : (
                  <span className="muted">quotes the retrieved passages</span>
                )}
              </td>
              <td className="px-3 py-2 text-xs">
                {m.timeoutMs / 1000} s
                {m.kind === "openai" && <span className="muted block">{m.maxConcurrent} at a time</span>}
              </td>
              <td className="px-3 py-2">{m.weight}</td>
              <td className="px-3 py-2">{stats.get(m.id)?.battles ?? 0}</td>
              <td className="px-3 py-2 text-xs whitespace-nowrap">
                <AnswerFigures stats={stats.get(m.id)} />
              </td>
              <td className="px-3 py-2">
                {m.enabled ? (
                  <span data-testid={`status-${m.name}`}>in battles</span>
                ) : (
                  <span data-testid={`status-${m.name}`} className="text-amber-700 dark:text-amber-400">
                    out of battles
                  </span>
                )}
                <span className="muted block text-xs" data-testid={`board-${m.name}`}>
                  {m.onLeaderboard ? "on the leaderboard" : "hidden from the leaderboard"}
                </span>
              </td>
              <td className="px-3 py-2">
                <div className="flex flex-wrap gap-1">
                  <ToggleModelButton id={m.id} name={m.name} enabled={m.enabled} />
                  <LeaderboardToggleButton id={m.id} name={m.name} listed={m.onLeaderboard} />
                  {m.kind === "openai" && (
                    <ReasoningStartButton id={m.id} name={m.name} startsInside={m.reasoningStartsInside} />
                  )}
                </div>
              </td>
            </DataRow>
          ))}
        </DataTable>
      </section>

      <section aria-labelledby="register-heading" className="space-y-3">
        <h2 id="register-heading" className="text-lg font-semibold">
          Register an OpenAI-compatible model
        </h2>
        <p className="muted text-sm">
          Any server that speaks the chat-completions API with streaming (Ollama, vLLM, llama.cpp, OpenAI,
          OpenRouter, …). The arena sends the numbered passages and the question and streams the answer; a
          reasoning model&apos;s reasoning is kept out of the answer and shown after the vote. Answers that
          fail with 429 or 5xx before their first word are retried, honouring Retry-After.
        </p>
        <RegisterModelForm />
      </section>

      <section aria-labelledby="cap-heading" className="space-y-3">
        <h2 id="cap-heading" className="text-lg font-semibold">
          Vote cap
        </h2>
        <VoteCapForm cap={cap} />
      </section>

      <section aria-labelledby="papers-heading" className="space-y-3">
        <h2 id="papers-heading" className="text-lg font-semibold">
          Literature <span className="muted text-sm font-normal">({papers} papers)</span>
        </h2>
        <ImportPapersForm />
      </section>
    </div>
  );
}
