import Link from "next/link";
import { traceService } from "@/lib/engine/trace";

export function TraceIntro() {
  return (
    <header className="space-y-2">
      <h1 className="text-2xl font-semibold">Trace</h1>
      <p className="muted max-w-3xl text-sm">
        Paste a model&apos;s output to see which of its spans occur verbatim in the training corpus and which
        documents they come from, ranked by relevance (OLMoTrace). Spans start and end at word boundaries, and
        only the rarest ones are highlighted (span density). Click a highlighted span to see its documents. To
        count one string or check a benchmark for contamination, use{" "}
        <Link href="/search" className="underline underline-offset-2">
          Corpus search
        </Link>
        .
      </p>
    </header>
  );
}

/** Index domains for the form, or the reason the index is unavailable. */
export async function traceDomains(): Promise<{ domains: string[] | null; problem: string | null }> {
  try {
    return { domains: [...(await traceService()).domains], problem: null };
  } catch (e) {
    return { domains: null, problem: (e as Error).message };
  }
}
