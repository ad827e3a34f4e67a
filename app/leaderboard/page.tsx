import type { Metadata } from "next";
import { ComingSoon } from "../components/coming-soon";

export const metadata: Metadata = { title: "Leaderboard" };

export default function Page() {
  return (
    <ComingSoon
      title="Leaderboard"
      issue={6}
      what="Elo and Bradley-Terry ratings from the arena's votes, with confidence intervals."
    />
  );
}
