import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { traceRules } from "@/lib/trace/input";
import { loadTrace, traceAnswer } from "@/lib/trace/stored-traces";
import { IndexUnavailable } from "../../components/index-unavailable";
import { TraceIntro, traceDomains } from "../shared";
import { TraceView } from "../trace-view";

export const metadata: Metadata = { title: "Trace" };
export const dynamic = "force-dynamic";

/**
 * The permanent page of a stored trace: the same view, filled with the stored result. When the index is
 * unavailable the stored result is still shown, under the alert saying why, without the form.
 */
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const stored = await loadTrace(id);
  if (!stored) notFound();
  const { domains, problem } = await traceDomains();
  const initial = traceAnswer(stored);
  return (
    <div className="space-y-6">
      <TraceIntro />
      {!domains && <IndexUnavailable problem={problem} />}
      <TraceView domains={domains} rules={traceRules()} initial={initial} />
    </div>
  );
}
