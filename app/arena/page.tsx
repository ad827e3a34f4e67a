import type { Metadata } from "next";
import Link from "next/link";
import { currentUser } from "@/lib/auth/session";
import { ArenaClient } from "./arena-client";
import { CalibrationPanel } from "./calibration";

export const metadata: Metadata = { title: "Arena" };

export default async function Page() {
  const user = await currentUser();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Arena</h1>
        <p className="muted mt-1 text-sm">
          Ask a scientific question. Two anonymous models answer from the same retrieved papers, citing them
          as [n]; vote for the better answer to see who they were. Votes feed the{" "}
          <Link href="/leaderboard" className="underline">
            leaderboard
          </Link>
          .
        </p>
      </div>
      {user ? (
        <>
          <ArenaClient />
          <CalibrationPanel />
        </>
      ) : (
        <div className="card space-y-3">
          <p>Sign in as a researcher to ask questions and vote.</p>
          <div className="flex gap-2">
            <Link href="/signin" className="btn-primary">
              Sign in
            </Link>
            <Link href="/signup" className="btn-secondary">
              Create an account
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
