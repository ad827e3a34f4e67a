/**
 * A remark plugin that turns citation markers in text ("[3]", "[1, 2]", "[1; 4]") into links to
 * "#cite-N", one per number, so a renderer can show each as a button that opens passage N. Markers inside
 * code, inline code, links and math are left alone, as are numbers outside 1..max. Pure (mdast in, mdast
 * out); written by hand because it is a dozen lines over the tree.
 */

interface Node {
  type: string;
  value?: string;
  url?: string;
  children?: Node[];
}

const MARKER = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
/** Nodes whose text is not prose. */
const SKIP = new Set(["code", "inlineCode", "link", "linkReference", "math", "inlineMath", "html"]);

export const CITE_PREFIX = "#cite-";

/** Splits one text value into text and citation-link nodes (numbers outside 1..max stay text). */
export function splitCitations(value: string, max: number): Node[] {
  const out: Node[] = [];
  let last = 0;
  for (const m of value.matchAll(MARKER)) {
    const nums = m[1].split(/[,;]/).map((s) => Number(s.trim()));
    if (!nums.every((n) => Number.isInteger(n) && n >= 1 && n <= max)) continue;
    if (m.index > last) out.push({ type: "text", value: value.slice(last, m.index) });
    for (const n of nums)
      out.push({ type: "link", url: `${CITE_PREFIX}${n}`, children: [{ type: "text", value: `[${n}]` }] });
    last = m.index + m[0].length;
  }
  if (out.length === 0) return [{ type: "text", value }];
  if (last < value.length) out.push({ type: "text", value: value.slice(last) });
  return out;
}

function walk(node: Node, max: number): void {
  if (!node.children || SKIP.has(node.type)) return;
  const next: Node[] = [];
  for (const child of node.children) {
    if (child.type === "text" && child.value !== undefined) next.push(...splitCitations(child.value, max));
    else {
      walk(child, max);
      next.push(child);
    }
  }
  node.children = next;
}

/** The plugin: `[remarkCitations, { max: passages.length }]`. */
export function remarkCitations(options: { max: number }) {
  return (tree: Node) => walk(tree, options.max);
}
