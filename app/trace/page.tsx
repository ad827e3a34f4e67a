import type { Metadata } from "next";
import { ComingSoon } from "../components/coming-soon";

export const metadata: Metadata = { title: "Trace" };

export default function Page() {
  return (
    <ComingSoon
      title="Trace"
      issue={4}
      what="Trace a model's output back to the spans and documents of its training corpus."
    />
  );
}
