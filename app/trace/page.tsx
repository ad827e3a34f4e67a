import type { Metadata } from "next";
import { traceRules } from "@/lib/trace/input";
import { TraceIntro, traceDomains, Unavailable } from "./shared";
import { TraceView } from "./trace-view";

export const metadata: Metadata = { title: "Trace" };
export const dynamic = "force-dynamic";

export default async function Page() {
  const { domains, problem } = await traceDomains();
  return (
    <div className="space-y-6">
      <TraceIntro />
      {domains ? (
        <TraceView domains={domains} rules={traceRules()} initial={null} />
      ) : (
        <Unavailable problem={problem} />
      )}
    </div>
  );
}
