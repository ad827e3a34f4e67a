import type { Metadata } from "next";
import { traceRules } from "@/lib/trace/input";
import { IndexUnavailable } from "../components/index-unavailable";
import { TraceIntro, traceDomains } from "./shared";
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
        <IndexUnavailable problem={problem} />
      )}
    </div>
  );
}
