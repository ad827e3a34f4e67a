/**
 * Names of expert configurations, for the OpenAI-compatible API and the arena:
 *   flexolmo-all          every installed expert
 *   flexolmo-public       the public expert only
 *   flexolmo-<id>         public + that expert
 *   flexolmo-no-<id>      every installed expert except that one (opt-out)
 */
import { PUBLIC_DOMAIN } from "./config";
import { FlexOlmoError } from "./errors";

export const MODEL_NAME_PREFIX = "flexolmo-";

export interface ExpertConfiguration {
  name: string;
  /** Experts to pass to generate({ experts }) (the public expert is implied). */
  experts: string[];
  description: string;
}

/** Every configuration name for the installed experts `ids` (public first), in a stable order. */
export function listExpertConfigurations(ids: string[]): ExpertConfiguration[] {
  const closed = ids.filter((id) => id !== PUBLIC_DOMAIN);
  return [
    { name: `${MODEL_NAME_PREFIX}all`, experts: closed, description: "all experts" },
    { name: `${MODEL_NAME_PREFIX}public`, experts: [], description: "public expert only" },
    ...closed.map((id) => ({
      name: `${MODEL_NAME_PREFIX}${id}`,
      experts: [id],
      description: `public + ${id}`,
    })),
    ...closed.map((id) => ({
      name: `${MODEL_NAME_PREFIX}no-${id}`,
      experts: closed.filter((x) => x !== id),
      description: `all experts except ${id}`,
    })),
  ];
}

/** Resolves a configuration name; throws FlexOlmoError UNKNOWN_EXPERT for a name that names no configuration. */
export function resolveExpertConfiguration(name: string, ids: string[]): ExpertConfiguration {
  const hit = listExpertConfigurations(ids).find((c) => c.name === name);
  if (!hit) {
    throw new FlexOlmoError(
      "UNKNOWN_EXPERT",
      `unknown model "${name}"; expected one of flexolmo-all, flexolmo-public, flexolmo-<expert>, flexolmo-no-<expert> for experts ${ids.join(", ")}`,
      {
        model: name,
      },
    );
  }
  return hit;
}
