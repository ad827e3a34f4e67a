import Link from "next/link";

const FEATURES = [
  {
    href: "/arena",
    title: "Arena",
    text: "Ask a scientific question; two anonymous models answer from the same retrieved papers, with citations. Vote for the better answer.",
  },
  {
    href: "/leaderboard",
    title: "Leaderboard",
    text: "Elo and Bradley-Terry ratings with bootstrap confidence intervals, computed from the researchers' votes.",
  },
  {
    href: "/trace",
    title: "Trace",
    text: "Paste any model output and see which spans appear verbatim in the training corpus, and the documents they come from.",
  },
  {
    href: "/playground",
    title: "Playground",
    text: "Generate with a mixture-of-experts model whose experts, each trained on its own data, can be switched on and off.",
  },
];

export default function Home() {
  return (
    <div className="space-y-8">
      <section>
        <h1 className="text-3xl font-semibold tracking-tight">Language-model research, in one place</h1>
        <p className="muted mt-2 max-w-2xl">
          A literature-grounded model arena (SciArena), training-data tracing (OLMoTrace) over a compressed
          full-text index (infini-gram mini), and a model whose data sources you can switch on and off
          (FlexOlmo).
        </p>
      </section>
      <ul className="grid gap-4 sm:grid-cols-2">
        {FEATURES.map((f) => (
          <li key={f.href}>
            <Link href={f.href} className="card block h-full hover:border-sky-600 dark:hover:border-sky-500">
              <h2 className="text-lg font-semibold">{f.title}</h2>
              <p className="muted mt-1 text-sm">{f.text}</p>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
