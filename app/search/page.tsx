import type { Metadata } from "next";
import Link from "next/link";
import { searchIndex } from "@/lib/search/served-index";
import { IndexUnavailable } from "../components/index-unavailable";
import { ContaminationForm } from "./contamination-form";
import { CorpusSearch } from "./corpus-search";

export const metadata: Metadata = { title: "Corpus search" };
export const dynamic = "force-dynamic";

/** Counts any string in the training corpus, shows example documents, and checks benchmark contamination. */
export default async function Page() {
  let index: Awaited<ReturnType<typeof searchIndex>>["info"] | null = null;
  let problem: string | null = null;
  try {
    index = (await searchIndex()).info;
  } catch (e) {
    problem = (e as Error).message;
  }

  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">Corpus search</h1>
        <p className="muted max-w-3xl text-sm">
          Count any string in the training corpus and read the documents that contain it. Matching is exact
          and byte-level over UTF-8: case, spaces and punctuation count. To see which spans of a model&apos;s
          output appear in the corpus, use{" "}
          <Link href="/trace" className="underline underline-offset-2">
            Trace
          </Link>
          . The same index answers the infini-gram API at{" "}
          <code className="text-xs">POST /api/infini-gram</code>.
        </p>
      </header>
      {index ? (
        <>
          <CorpusSearch
            indexName={index.name}
            domains={[...index.domains]}
            maxQueryBytes={index.maxQueryBytes}
            docsByDomain={Object.fromEntries(
              index.domains.map((d) => [
                d,
                index.shards.filter((s) => s.domain === d).reduce((n, s) => n + s.docs, 0),
              ]),
            )}
          />
          <ContaminationForm domains={[...index.domains]} />
        </>
      ) : (
        <IndexUnavailable problem={problem} />
      )}
    </div>
  );
}
