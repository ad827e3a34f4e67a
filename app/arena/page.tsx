import type { Metadata } from "next";
import { ComingSoon } from "../components/coming-soon";

export const metadata: Metadata = { title: "Arena" };

export default function Page() {
  return (
    <ComingSoon
      title="Arena"
      issue={6}
      what="Ask a scientific question and compare two anonymous, literature-grounded answers."
    />
  );
}
