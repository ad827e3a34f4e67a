/**
 * The events of POST /api/arena/battles, in order (types only; client-safe). The server writes them with
 * lib/streams/event-stream.ts and the arena page reads them with lib/streams/read-events.ts.
 */
import type { ArenaPassage } from "../providers/types";

export type Side = "a" | "b";

/** What runBattle emits while the two answers stream. */
export type BattleEvent =
  /** A piece of one side's answer text, in order; the two sides interleave as they arrive. */
  | { type: "chunk"; side: Side; text: string }
  /**
   * One side's model is reasoning before it answers (a reasoning model). Sent once per side; the reasoning
   * itself stays on the server until the vote, so it cannot sway the vote or reveal the model.
   */
  | { type: "thinking"; side: Side }
  /**
   * What streamed so far as one side's answer was its reasoning (its server strips the opening `<think>`,
   * so the reasoning showed as answer until `</think>`): the page clears that side's text and shows it as
   * reasoning; the reasoning is revealed with the vote, like any other.
   */
  | { type: "retracted"; side: Side }
  /** One side finished. */
  | { type: "done"; side: Side }
  /** Both answers are stored: the battle waits for a vote. Last event. */
  | { type: "answered" }
  /** The battle was voided (a model failed, timed out or answered empty; the asker left). Last event. */
  | { type: "void"; message: string };

/** The whole stream: first the battle and the passages both models were given, then BattleEvents. */
export type BattleStreamEvent = { type: "battle"; id: string; passages: ArenaPassage[] } | BattleEvent;
