import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { modelService } from "@/lib/models/flexolmo";
import { DEMO_LABEL } from "@/lib/providers/demo-models";
import { ModelUnavailable } from "../components/model-unavailable";
import { PlaygroundForm } from "./playground-form";

export const metadata: Metadata = { title: "Playground" };

export default async function Page() {
  await requirePageUser();
  let model: Awaited<ReturnType<typeof modelService>>;
  try {
    model = await modelService();
  } catch (e) {
    return <ModelUnavailable title="Playground" error={e} />;
  }
  const experts = model.experts.map((e) => ({
    id: e.id,
    domain: e.domain,
    description: e.description,
    documents: e.documents,
    alwaysOn: e.alwaysOn,
  }));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Playground</h1>
        <p className="muted mt-1 text-sm">
          Generate with FlexOlmo-mini, a byte-level mixture of experts whose experts were each trained on one
          data owner&apos;s domain. Switch experts off to exclude their data from the output; each generated
          byte is tinted by the expert that weighed most.
        </p>
        <p className="muted mt-1 text-sm" data-testid="demo-note">
          <strong>FlexOlmo-mini is a {DEMO_LABEL}</strong> (4 layers, trained on 63 MB): it shows how experts
          change the output, not what a language model can write; expect text that is not readable.
        </p>
      </div>
      <PlaygroundForm experts={experts} defaultTopK={model.defaultTopK} contextBytes={model.config.context} />
    </div>
  );
}
