/**
 * A remark plugin that puts a trace's highlights on a rendered Markdown answer. The trace ran over the
 * answer's source (its Markdown, as the model wrote it); the Markdown tree keeps, for every text node, where
 * it stands in that source (`position`), so each character of rendered text is mapped back to its source
 * offset and wrapped when that offset lies in a highlighted region:
 *
 * - text: split into runs; a run inside region r becomes `<span data-region=r>` (the first run of each
 *   region also gets `data-first`), and inside it the characters of the located document's spans become
 *   `<span data-located>`; emphasis, links and list markers stay what they were around the runs;
 * - math, inline code and code blocks, which cannot be cut: wrapped whole (`<span>` inline, `<div>` for a
 *   block) in the region that covers most of their source, when it covers at least half of it;
 * - citation markers ("[3]") and links are never wrapped, so citations stay buttons of their own.
 *
 * Run it before ./citations.ts (which splits text nodes into new ones without positions). Pure; O(n + r log r)
 * over the answer's n characters and r regions.
 */

interface Point {
  offset?: number;
}
interface Node {
  type: string;
  value?: string;
  children?: Node[];
  position?: { start: Point; end: Point };
  data?: { hName?: string; hProperties?: Record<string, string> };
}

export interface TraceRange {
  start: number;
  end: number;
}

export interface TraceRegionsOptions {
  /** Highlighted regions over the source: half-open [start, end), in source characters, not overlapping. */
  regions: readonly (TraceRange & { id: number })[];
  /** Spans of the located document, outlined inside their regions (may overlap). */
  located?: readonly TraceRange[];
}

/** Nodes whose text is never wrapped. */
const SKIP = new Set(["link", "linkReference", "html", "definition"]);
/** Nodes wrapped whole or not at all. */
const ATOMS: Record<string, "span" | "div"> = {
  inlineMath: "span",
  inlineCode: "span",
  math: "div",
  code: "div",
};
const MARKER = /\[\d+(?:\s*[,;]\s*\d+)*\]/g;

/**
 * Source offset of each character of `value`, a text node's value whose source is `source[start, end)`.
 * The value equals the source, or sits inside it (fences, backticks), or leaves characters out (backslash
 * escapes, character references, indentation of continued lines): then each character is matched to the
 * next equal source character. -1 where no source character matches.
 */
export function sourceOffsets(value: string, source: string, start: number, end: number): Int32Array {
  const out = new Int32Array(value.length);
  const slice = source.slice(start, end);
  const at = slice.indexOf(value);
  if (at >= 0) {
    for (let i = 0; i < value.length; i++) out[i] = start + at + i;
    return out;
  }
  let j = start;
  for (let i = 0; i < value.length; i++) {
    const k = source.indexOf(value[i], j);
    if (k < 0 || k >= end) out[i] = -1;
    else {
      out[i] = k;
      j = k + 1;
    }
  }
  return out;
}

export function remarkTraceRegions(options: TraceRegionsOptions) {
  const regions = [...options.regions].sort((a, b) => a.start - b.start);
  const located = options.located ?? [];
  /** The region holding source offset `o` (binary search), or -1. */
  const regionAt = (o: number): number => {
    let lo = 0;
    let hi = regions.length;
    // Invariant: every region before lo starts at or before o; every one from hi on starts after o.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (regions[mid].start <= o) lo = mid + 1;
      else hi = mid;
    }
    const r = regions[lo - 1];
    return r && o >= 0 && o < r.end ? r.id : -1;
  };
  const isLocated = (o: number) => located.some((s) => o >= s.start && o < s.end);
  const firstSeen = new Set<number>();

  const wrapper = (tag: "span" | "div", region: number, children: Node[]): Node => {
    const props: Record<string, string> = { dataRegion: String(region) };
    if (!firstSeen.has(region)) {
      firstSeen.add(region);
      props.dataFirst = "";
    }
    return { type: "traceRegion", data: { hName: tag, hProperties: props }, children };
  };

  /** A text node cut into runs by region (and located spans inside a region). */
  const splitText = (node: Node, source: string): Node[] => {
    const value = node.value ?? "";
    const s = node.position?.start.offset;
    const e = node.position?.end.offset;
    if (s === undefined || e === undefined || value === "") return [node];
    const offsets = sourceOffsets(value, source, s, e);
    const region = new Int32Array(value.length);
    for (let i = 0; i < value.length; i++) region[i] = regionAt(offsets[i]);
    for (const m of value.matchAll(MARKER)) region.fill(-1, m.index, m.index + m[0].length);
    if (region.every((r) => r === -1)) return [node];
    const out: Node[] = [];
    let i = 0;
    while (i < value.length) {
      let j = i + 1;
      while (j < value.length && region[j] === region[i]) j++;
      const text = value.slice(i, j);
      if (region[i] === -1) out.push({ type: "text", value: text });
      else {
        const inner: Node[] = [];
        let p = i;
        while (p < j) {
          const mark = isLocated(offsets[p]);
          let q = p + 1;
          while (q < j && isLocated(offsets[q]) === mark) q++;
          const piece: Node = { type: "text", value: value.slice(p, q) };
          inner.push(
            mark
              ? {
                  type: "traceLocated",
                  data: { hName: "span", hProperties: { dataLocated: "" } },
                  children: [piece],
                }
              : piece,
          );
          p = q;
        }
        out.push(wrapper("span", region[i], inner));
      }
      i = j;
    }
    return out;
  };

  /** The region covering most of [s, e), when it covers at least half; else -1. */
  const mainRegion = (s: number, e: number): number => {
    const count = new Map<number, number>();
    for (let o = s; o < e; o++) {
      const r = regionAt(o);
      if (r >= 0) count.set(r, (count.get(r) ?? 0) + 1);
    }
    let best = -1;
    let most = 0;
    for (const [r, n] of count)
      if (n > most) {
        best = r;
        most = n;
      }
    return 2 * most >= e - s ? best : -1;
  };

  const walk = (node: Node, source: string) => {
    if (!node.children || SKIP.has(node.type)) return;
    const next: Node[] = [];
    for (const child of node.children) {
      const atom = ATOMS[child.type];
      if (child.type === "text") next.push(...splitText(child, source));
      else if (atom) {
        const s = child.position?.start.offset;
        const e = child.position?.end.offset;
        const r = s === undefined || e === undefined ? -1 : mainRegion(s, e);
        next.push(r === -1 ? child : wrapper(atom, r, [child]));
      } else {
        walk(child, source);
        next.push(child);
      }
    }
    node.children = next;
  };

  return (tree: Node, file: { value?: unknown }) => {
    firstSeen.clear();
    walk(tree, String(file.value ?? ""));
  };
}
