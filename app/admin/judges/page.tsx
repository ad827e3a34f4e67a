import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { listDatasets } from "@/lib/judges/datasets";
import { DEFAULT_JUDGE_PROMPT } from "@/lib/judges/prompt";
import { listJudgeRuns } from "@/lib/judges/views";
import { JudgesClient } from "./judges-client";

export const metadata: Metadata = { title: "Judges" };
export const dynamic = "force-dynamic";

export default async function JudgesPage() {
  await requirePageUser("admin");
  const [datasets, judges, runs] = await Promise.all([
    listDatasets(db()),
    db().modelProvider.findMany({
      orderBy: [{ builtin: "desc" }, { name: "asc" }],
      select: { id: true, name: true, kind: true },
    }),
    listJudgeRuns(db()),
  ]);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Judge evaluation</h1>
        <p className="muted mt-1 text-sm">
          How often a model judge agrees with the researchers (SciArena-Eval): accuracy over pairs with a vote
          of A or B, each pair judged twice with the answers swapped.
        </p>
      </div>
      <JudgesClient
        datasets={datasets.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() }))}
        judges={judges}
        initialRuns={JSON.parse(JSON.stringify(runs))}
        defaultPrompt={DEFAULT_JUDGE_PROMPT}
      />
    </div>
  );
}
