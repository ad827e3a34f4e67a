/**
 * Expert configurations of FlexOlmo-mini exposed as named models (the OpenAI-compatible API's
 * `model` field, the arena's default contenders). Pure: derived from the installed experts.
 *
 * Naming scheme (public = the always-on public expert; every other expert is a closed domain):
 *   flexolmo-all          every installed expert
 *   flexolmo-public       the public expert alone
 *   flexolmo-<domain>     public + that domain's expert          (e.g. flexolmo-code)
 *   flexolmo-no-<domain>  every expert except that domain's one  (opt-out, e.g. flexolmo-no-email)
 * With one closed expert, flexolmo-<d> equals flexolmo-all and flexolmo-no-<d> equals
 * flexolmo-public; all names are still listed so clients can rely on the scheme.
 */

export const MODEL_PREFIX = "flexolmo";
export const PUBLIC_EXPERT = "public";

export interface ExpertRef {
  id: string;
  /** True for the public expert, which cannot be switched off. */
  alwaysOn: boolean;
}

export type ConfigurationKind = "all" | "public" | "with" | "without";

export interface ModelConfiguration {
  /** The model name clients send, e.g. "flexolmo-no-code". */
  id: string;
  kind: ConfigurationKind;
  /** Enabled expert ids, public first, in manifest order. */
  experts: string[];
  /** One line for humans. */
  description: string;
}

function alwaysOnIds(experts: ExpertRef[]): string[] {
  return experts.filter((e) => e.alwaysOn).map((e) => e.id);
}

/** Every named configuration, in a stable order: all, public, each +domain, each -domain. */
export function listConfigurations(experts: ExpertRef[]): ModelConfiguration[] {
  const base = alwaysOnIds(experts);
  const closed = experts.filter((e) => !e.alwaysOn).map((e) => e.id);
  const all = experts.map((e) => e.id);
  const baseLabel = base.join(" + ") || "no always-on expert";
  return [
    {
      id: `${MODEL_PREFIX}-all`,
      kind: "all",
      experts: all,
      description: `Every expert: ${all.join(", ")}.`,
    },
    {
      id: `${MODEL_PREFIX}-public`,
      kind: "public",
      experts: base,
      description: `The public expert alone (${baseLabel}); no closed data.`,
    },
    ...closed.map((d) => ({
      id: `${MODEL_PREFIX}-${d}`,
      kind: "with" as const,
      experts: all.filter((id) => base.includes(id) || id === d),
      description: `${baseLabel} + the ${d} expert.`,
    })),
    ...closed.map((d) => ({
      id: `${MODEL_PREFIX}-no-${d}`,
      kind: "without" as const,
      experts: all.filter((id) => id !== d),
      description: `Every expert except ${d} (its data opted out).`,
    })),
  ];
}

/** The configuration a model name stands for, or undefined for an unknown name. */
export function findConfiguration(experts: ExpertRef[], name: string): ModelConfiguration | undefined {
  return listConfigurations(experts).find((c) => c.id === name);
}

/**
 * The experts a request enables: an explicit `experts` list overrides the model name's set; the
 * always-on experts are added in every case. Returns the ids in manifest order, or the first
 * unknown id.
 */
export function resolveExperts(
  experts: ExpertRef[],
  configuration: ModelConfiguration,
  explicit: string[] | undefined,
): { ok: true; experts: string[] } | { ok: false; unknown: string } {
  if (explicit === undefined) return { ok: true, experts: configuration.experts };
  const known = new Set(experts.map((e) => e.id));
  const unknown = explicit.find((id) => !known.has(id));
  if (unknown !== undefined) return { ok: false, unknown };
  const wanted = new Set([...alwaysOnIds(experts), ...explicit]);
  return { ok: true, experts: experts.map((e) => e.id).filter((id) => wanted.has(id)) };
}
