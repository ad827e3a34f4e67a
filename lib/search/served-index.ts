import "server-only";
import { DEFAULT_MAX_QUERY_BYTES } from "@/engine/fm/index";
import type { IndexBackend } from "@/engine/fm/index-service";
import { indexName, indexService } from "../engine/fm";
import type { IndexInfo } from "./infini-gram";

/**
 * The served index and what the API layer needs to know about it. Its infini-gram `index` name is the
 * folder name of INDEX_DIR (`flexmix-mini` by default), or of the shard servers' index folder.
 */
export async function searchIndex(): Promise<{ service: IndexBackend; info: IndexInfo }> {
  const service = await indexService();
  return {
    service,
    info: {
      name: await indexName(),
      shards: service.shards,
      domains: service.domains,
      maxQueryBytes: DEFAULT_MAX_QUERY_BYTES,
    },
  };
}
