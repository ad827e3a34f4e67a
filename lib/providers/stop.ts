/**
 * Stop strings applied to a stream of text, but only once the answer has some substance.
 *
 * A small model often starts with a newline or a blank line; a plain stop on "\n\n" would then end the
 * answer before its first word and void the arena battle. Here leading whitespace is dropped, stop strings
 * count only from `minChars` characters on, and text that could be the start of a stop string is held
 * back until it is known not to be one, so nothing past a stop string is ever yielded.
 */
export async function* stopAfterMinimum(
  source: AsyncIterable<string>,
  stops: readonly string[],
  minChars: number,
): AsyncGenerator<string> {
  const hold = Math.max(0, ...stops.map((s) => s.length - 1));
  let emitted = 0; // characters of `full` already yielded
  let full = "";
  for await (const piece of source) {
    full += piece;
    if (emitted === 0) full = full.replace(/^\s+/, "");
    let cut = -1;
    for (const s of stops) {
      const i = full.indexOf(s, minChars);
      if (i >= 0 && (cut < 0 || i < cut)) cut = i;
    }
    if (cut >= 0) {
      if (cut > emitted) yield full.slice(emitted, cut);
      return;
    }
    const safe = full.length - hold;
    if (safe > emitted) {
      yield full.slice(emitted, safe);
      emitted = safe;
    }
  }
  if (full.length > emitted) yield full.slice(emitted);
}
