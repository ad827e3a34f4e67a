/**
 * The one shape of the engine's errors (engine/fm, engine/trace, engine/moe): a message and a stable `code`,
 * never an HTTP status; lib maps codes to statuses (lib/engine/errors.ts, lib/models). Each subclass spells its
 * `name` out rather than taking it from the class: bundlers (Next.js) rename classes, and lib recognises engine
 * errors by name and code.
 */
export class EngineError<Code extends string> extends Error {
  readonly code: Code;
  constructor(name: string, code: Code, message: string) {
    super(message);
    this.name = name;
    this.code = code;
  }
}
