import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { installedExperts } from "@/lib/models/expert-admin";
import { modelService } from "@/lib/models/flexolmo";
import { ModelUnavailable } from "../../components/model-unavailable";
import { ArenaToggle, RemoveExpert } from "./forms";

export const metadata: Metadata = { title: "Experts (admin)" };
export const dynamic = "force-dynamic";

const bpb = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "–");

export default async function AdminExpertsPage({
  searchParams,
}: {
  searchParams: Promise<{ removed?: string; withdrawn?: string }>;
}) {
  await requirePageUser("admin");
  const { removed, withdrawn } = await searchParams;
  let model: Awaited<ReturnType<typeof modelService>>;
  try {
    model = await modelService();
  } catch (e) {
    return <ModelUnavailable title="Experts" error={e} />;
  }
  const rows = await db().modelProvider.findMany({
    where: { kind: "local" },
    select: { name: true, kind: true, enabled: true, config: true },
  });
  const experts = installedExperts(model.manifest, rows);
  const dir = env().modelDir;
  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm">
          <Link href="/admin" className="underline">
            Admin
          </Link>{" "}
          / Experts
        </p>
        <h1 className="mt-1 text-2xl font-semibold">Installed experts</h1>
        <p className="muted mt-1 text-sm">
          The experts of {model.manifest.name} in <code className="break-all">{dir}</code>: who contributed
          each, what they say about its data, and how it scores on its own held-out text. Researchers switch
          experts on and off per request; removing one takes its data out of the model for everyone.
        </p>
      </div>

      {removed && (
        <p role="status" className="card text-sm text-emerald-700 dark:text-emerald-400">
          Removed {removed}. Its data is out of every configuration, the playground and the API.
          {withdrawn ? ` Withdrawn from the arena: ${withdrawn.split(",").join(", ")}.` : ""}
        </p>
      )}

      <section aria-labelledby="install-heading" className="card space-y-2 text-sm">
        <h2 id="install-heading" className="font-semibold">
          Installing a data owner&apos;s expert
        </h2>
        <p>
          A data owner trains an expert on their own machine against this model and sends you the package
          (weights only, never text):
        </p>
        <pre className="overflow-x-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">
          {`npm run -s moe -- expert train --name NAME --data their-data.jsonl --model ${dir} \\
    --out NAME.expert --contributor "WHO" --licence "LICENCE"
npm run -s moe -- expert inspect NAME.expert --model ${dir}
npm run -s moe -- expert install NAME.expert --model ${dir}`}
        </pre>
        <p className="muted">
          The app picks the change up on its next request. A package built against another base model, or
          damaged in transit, is refused with the reason.
        </p>
      </section>

      <ul className="space-y-4" aria-label="Installed experts">
        {experts.map((e) => (
          <li key={e.id} className="card space-y-3" aria-labelledby={`expert-${e.id}`}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 id={`expert-${e.id}`} className="text-lg font-semibold">
                {e.id}{" "}
                <span className="muted text-sm font-normal">
                  {e.alwaysOn
                    ? "public model, always on"
                    : e.origin === "package"
                      ? "installed from a package"
                      : "trained with the model"}
                </span>
              </h2>
              {!e.alwaysOn && (
                <div className="flex flex-wrap items-start gap-2">
                  <ArenaToggle name={e.id} enabled={e.arena.some((a) => a.enabled)} />
                  <RemoveExpert name={e.id} />
                </div>
              )}
            </div>
            <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
              <dt className="font-medium">Contributed by</dt>
              <dd>{e.contribution?.contributor ?? "the model's own training run (npm run train)"}</dd>
              <dt className="font-medium">Data statement</dt>
              <dd className="break-words">
                {e.contribution ? (
                  <>
                    {e.contribution.statement || <span className="muted">(none given)</span>}
                    <span className="muted block text-xs">
                      Licence {e.contribution.licence}; {e.contribution.dataDocuments.toLocaleString("en")}{" "}
                      documents, {(e.contribution.dataBytes / 1e6).toFixed(2)} MB, as the owner states them.
                    </span>
                  </>
                ) : (
                  e.description
                )}
              </dd>
              <dt className="font-medium">Evaluation</dt>
              <dd>
                {e.alwaysOn
                  ? `${bpb(e.heldout.publicOnlyBitsPerByte)} bits/byte on public held-out text`
                  : `${bpb(e.heldout.publicOnlyBitsPerByte)} → ${bpb(e.heldout.withExpertBitsPerByte)} bits/byte on its held-out text (public model alone → with this expert), ${e.heldoutDocuments.toLocaleString("en")} held-out documents`}
              </dd>
              <dt className="font-medium">Training</dt>
              <dd>
                {e.trainingSteps.toLocaleString("en")} steps on {e.documents.toLocaleString("en")} documents
              </dd>
              <dt className="font-medium">File</dt>
              <dd className="break-all">
                <code className="text-xs">{e.file}</code>{" "}
                <span className="muted text-xs">
                  {(e.bytes / 1e6).toFixed(1)} MB, SHA-256 {e.sha256.slice(0, 16)}…
                  {e.contribution &&
                    `; installed ${e.contribution.installedAt.slice(0, 16).replace("T", " ")} UTC from package ${e.contribution.packageSha256.slice(0, 12)}`}
                </span>
              </dd>
              {!e.alwaysOn && (
                <>
                  <dt className="font-medium">Arena</dt>
                  <dd>
                    {e.arena.length === 0
                      ? "not offered"
                      : e.arena.map((a) => `${a.name} (${a.enabled ? "enabled" : "disabled"})`).join(", ")}
                  </dd>
                </>
              )}
            </dl>
          </li>
        ))}
      </ul>
    </div>
  );
}
