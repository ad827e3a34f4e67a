/**
 * lib/ranking: pure leaderboard statistics (no I/O; `readBattlesFile` lives in ./read-battles-file).
 *
 * Typical use: `computeLeaderboard(battles, { ties: "half", bootstrapRounds: 100, seed: 0 })`.
 * Building blocks, in FastChat's preprocess -> fit -> compute order:
 *   toBattleTable / parseBattlesJsonl -> collapseBattles -> fitBradleyTerry -> thetaToRatings
 *   -> bootstrapIntervals -> ranksFromIntervals; computeOnlineElo; fitStyleControlledBradleyTerry;
 *   pairwiseMatrices.
 */
export { BattleInputError, type CollapsedRows, collapseBattles, toBattleTable } from "./battles";
export {
  type BootstrapOptions,
  type BootstrapResult,
  bootstrapIntervals,
  quantileSorted,
  ranksFromIntervals,
} from "./bootstrap";
export {
  type BtFit,
  type BtFitOptions,
  DEFAULT_INIT_RATING,
  DEFAULT_SCALE,
  FALLBACK_L2,
  fitBradleyTerry,
  type RatingScale,
  thetaToRatings,
} from "./bt";
export { computeOnlineElo, type EloOptions } from "./elo";
export { BattleJsonlParser, BattleParseError, parseBattlesJsonl } from "./jsonl";
export {
  computeLeaderboard,
  type Leaderboard,
  type LeaderboardOptions,
  type LeaderboardRow,
} from "./leaderboard";
export { type PairwiseMatrices, pairwiseMatrices } from "./matrices";
export { type Rng, sampleBinomial, sampleMultinomial, sfc32 } from "./random";
export {
  extractStyleFeatures,
  fitStyleControlledBradleyTerry,
  type StyleFit,
  type StyleFitOptions,
} from "./style";
export * from "./types";
