import type { Metadata } from "next";
import Link from "next/link";
import { arenaLineup } from "@/lib/arena/battle-request";
import { currentUser } from "@/lib/auth/session";
import { DEMO_EXPLANATION } from "@/lib/providers/demo-models";
import { traceRules } from "@/lib/trace/input";
import { SignInLinks } from "../components/sign-in-links";
import { ArenaClient } from "./arena-client";
import { CalibrationPanel } from "./calibration";

export const metadata: Metadata = { title: "Arena" };

export default async function Page() {
  const [user, lineup] = await Promise.all([currentUser(), arenaLineup()]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Arena</h1>
        <p className="muted mt-1 text-sm">
          Ask a scientific question. Two anonymous models answer from the same retrieved papers, citing them
          as [n]; vote for the better answer to see who they were. Votes feed the{" "}
          <Link href="/leaderboard" className="underline">
            leaderboard
          </Link>
          .
        </p>
      </div>
      {lineup.realModels === 0 && (
        <section
          aria-labelledby="no-real-model"
          className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950"
        >
          <h2 id="no-real-model" className="font-semibold">
            No real language model has been added yet
          </h2>
          <p className="mt-1">
            {lineup.baseline
              ? "The contenders are the extractive baseline, which quotes the retrieved passages"
              : "The extractive baseline is switched off"}
            {lineup.demoModels > 0
              ? `${lineup.baseline ? ", and" : "; the contenders are"} ${lineup.demoModels} configuration${lineup.demoModels === 1 ? "" : "s"} of FlexOlmo-mini. `
              : ". "}
            {lineup.demoModels > 0 && `${DEMO_EXPLANATION} `}
            {lineup.baseline &&
              lineup.demoModels > 0 &&
              "Every battle puts the readable baseline on one side."}
            {!lineup.baseline &&
              lineup.demoModels > 0 &&
              "Until a readable model is enabled, both answers of a battle come from the demo model."}
          </p>
          <p className="mt-1">
            An admin adds a real model on{" "}
            {user?.role === "admin" ? (
              <Link href="/admin/models" className="underline">
                Admin › Models
              </Link>
            ) : (
              "Admin › Models"
            )}
            : any OpenAI-compatible server (Ollama, vLLM, llama.cpp, OpenAI, OpenRouter) by its base URL and
            model name. README, “Point the arena at a local model”, shows it in three steps.
          </p>
        </section>
      )}
      {user ? (
        <>
          <ArenaClient traceLevels={traceRules().levels} />
          <CalibrationPanel />
        </>
      ) : (
        <div className="card space-y-3">
          <p>Sign in as a researcher to ask questions and vote.</p>
          <SignInLinks />
        </div>
      )}
    </div>
  );
}
