/**
 * Public API of the FM-index (infini-gram mini in TypeScript): what engine/fm exports to the rest of the
 * project. The parts, one idea per file: one shard's search, locate and extract (shard.ts), the index over
 * all shards (fm-index.ts), documents extracted around a match (documents.ts), contamination
 * (contamination.ts), loading and checking an index folder (load.ts, manifest.ts), and the build
 * (build.ts and the files it names).
 *
 *   const index = openFmIndex("data/index/flexmix-mini");
 *   index.count("whale").count;                       // occurrences inside documents, all shards
 *   const { segments } = index.find("whale", { domains: ["creative"] });
 *   index.getDocByRank(segments[0].shard, segments[0].lo, { needleLength: 5, maxContextBytes: 200 });
 */

export {
  type BuildOptions,
  type BuildProgress,
  type BuildResult,
  buildFmIndex,
} from "./build";
export {
  type ContaminationEntry,
  type ContaminationLabel,
  type ContaminationResult,
  contaminationLabel,
  contaminationProbes,
} from "./contamination";
export type { DocumentResult, DocWindow } from "./documents";
export {
  FmError,
  type FmErrorCode,
  FmIndexFileError,
  FmInputError,
  FmQueryError,
  FmUsageError,
} from "./errors";
export {
  type CountResult,
  DEFAULT_MAX_QUERY_BYTES,
  type FindResult,
  type FindSegment,
  FmIndex,
  type Located,
  type QueryOptions,
  type ShardInfo,
  type ShardRef,
} from "./fm-index";
export { type LoadedIndex, loadIndexFiles, openFmIndex } from "./load";
export { type Manifest, type ManifestShard, readManifest } from "./manifest";
export {
  chooseShardBytes,
  defaultMemoryBudget,
  READER_RESERVE_BYTES,
  shardPlan,
  WORKER_BYTES_PER_SHARD_BYTE,
} from "./memory-budget";
export type { RankRange } from "./shard";
export type { CorpusDoc } from "./text-collection";
