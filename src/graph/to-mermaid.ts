import type { GraphView, ViewBox, ViewEdge } from './build-view';
import { CATEGORY_COLORS, KIND_COLORS, legendFor, OP_CATEGORIES, type BoxColors, type DiagramTheme, type LegendEntry, type OpCategory } from './op-category';

export { categoryOf, CATEGORY_LABELS, legendFor, OP_CATEGORIES } from './op-category';
export type { DiagramTheme, LegendEntry, OpCategory } from './op-category';

/** Characters of user text kept on one label line before it is cut with `…`. */
export const MAX_LABEL_CHARS = 48;
/** Characters of an edge label kept. */
export const MAX_EDGE_LABEL_CHARS = 32;
/** Mermaid refuses diagrams over its maxTextSize (50,000 by default); stay below with room to spare. */
export const MAX_MERMAID_TEXT = 45_000;

// What passes through unencoded: letters, digits and punctuation with no meaning inside a quoted label.
// Colons are encoded too, so no label ever reads as a URL scheme (`javascript:`).
const SAFE_CHAR = /^[A-Za-z0-9 .,_\-/()+=]$/;
// Controls, format characters (bidi overrides included) and line/paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * User text as the inside of a mermaid `"…"` label: one line, cut to `maxChars` code points, and
 * every character outside a small safe set written as a numeric entity (`#34;`), which mermaid
 * turns back into the character after parsing. So no name can close the quote, start a comment or
 * directive (`%%`), add a statement (`click`, `classDef`, `style`), or inject markup.
 */
export function escapeMermaidText(text: string, maxChars = MAX_LABEL_CHARS): string {
  const flat = text.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  const cut = chars.length > maxChars ? [...chars.slice(0, Math.max(1, maxChars - 1)), '…'] : chars;
  let out = '';
  for (const ch of cut) out += SAFE_CHAR.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

/** A quoted mermaid label of one or more lines of user text (empty lines dropped). */
export function mermaidLabel(lines: readonly string[], maxChars = MAX_LABEL_CHARS): string {
  const parts = lines.map((line) => escapeMermaidText(line, maxChars)).filter((line) => line.length > 0);
  // Mermaid rejects an empty string token; a no-break space keeps the box.
  return `"${parts.length > 0 ? parts.join('<br/>') : '#160;'}"`;
}

/** A view rendered as mermaid text, with the maps the UI needs to wire the SVG back to the graph. */
export interface MermaidDiagram {
  /** `flowchart TB` text. Never contains `click`, directives or user text outside quoted labels. */
  text: string;
  /** Generated mermaid id (`n12`, `s3`) → view box id (`scope:…`, `node:…`, `fold:…`…). */
  idToBox: Map<string, string>;
  /** View box id → generated mermaid id. */
  boxToId: Map<string, string>;
  /** Op categories present, in legend order. */
  categories: OpCategory[];
  /** The legend of the categories present, in the theme's colors. */
  legend: LegendEntry[];
  /** True when labels were shortened (or edge labels dropped) to stay under MAX_MERMAID_TEXT. */
  compact: boolean;
}

/** How to render. */
export interface MermaidOptions {
  /** Colors for the UI's theme; light by default. */
  theme?: DiagramTheme;
  /** View box ids to highlight (a search hit, the selection). */
  highlight?: Iterable<string>;
  /** Layout direction; top to bottom by default. */
  direction?: 'TB' | 'LR';
}

interface Detail {
  lineChars: number;
  details: boolean;
  edgeLabels: boolean;
}

const DETAIL_LEVELS: Detail[] = [
  { lineChars: MAX_LABEL_CHARS, details: true, edgeLabels: true },
  { lineChars: 32, details: false, edgeLabels: true },
  { lineChars: 16, details: false, edgeLabels: false },
];

const SHAPES: Record<ViewBox['kind'], [string, string]> = {
  scope: ['[', ']'],
  fold: ['[[', ']]'],
  op: ['(', ')'],
  input: ['([', '])'],
  output: ['[/', '/]'],
  stub: ['{{', '}}'],
};

function classLine(name: string, colors: BoxColors, extra = ''): string {
  return `  classDef ${name} fill:${colors.fill},stroke:${colors.stroke},color:${colors.color}${extra}`;
}

function edgeText(edge: ViewEdge): string {
  if (edge.count > 1) return `${edge.count} tensors`;
  const t = edge.tensor;
  if (!t || (t.dtype === undefined && t.shape === undefined)) return '';
  return [t.shape ? `[${t.shape.join(',')}]` : '', t.dtype ?? ''].filter(Boolean).join(' ');
}

/**
 * Writes a view as mermaid flowchart text. Box ids are generated (`n0`, `n1`…, `s0` for
 * containers), never taken from the model; every label is one quoted token with entity escapes.
 * No `click` lines: the UI attaches handlers itself through `idToBox`.
 */
export function toMermaid(view: GraphView, options: MermaidOptions = {}): MermaidDiagram {
  let text = '';
  let compact = false;
  let result: Omit<MermaidDiagram, 'text' | 'compact'> | undefined;
  for (const [level, detail] of DETAIL_LEVELS.entries()) {
    const rendered = render(view, options, detail);
    text = rendered.text;
    result = rendered;
    compact = level > 0;
    if (text.length <= MAX_MERMAID_TEXT) break;
  }
  return { ...result!, text, compact };
}

function render(view: GraphView, options: MermaidOptions, detail: Detail): Omit<MermaidDiagram, 'compact'> {
  const theme = options.theme ?? 'light';
  const idToBox = new Map<string, string>();
  const boxToId = new Map<string, string>();
  const children = new Map<string | undefined, ViewBox[]>();
  let nodeCounter = 0;
  let groupCounter = 0;
  for (const box of view.boxes) {
    const id = box.expanded ? `s${groupCounter++}` : `n${nodeCounter++}`;
    idToBox.set(id, box.id);
    boxToId.set(box.id, id);
    const list = children.get(box.parent);
    if (list) list.push(box);
    else children.set(box.parent, [box]);
  }

  const lines = [`flowchart ${options.direction ?? 'TB'}`];
  const byClass = new Map<string, string[]>();
  const addClass = (name: string, id: string) => {
    const list = byClass.get(name);
    if (list) list.push(id);
    else byClass.set(name, [id]);
  };
  const used = new Set<OpCategory>();

  const emit = (box: ViewBox, indent: string) => {
    const id = boxToId.get(box.id)!;
    const label = mermaidLabel(detail.details ? [box.label, ...box.detail] : [box.label], detail.lineChars);
    if (box.expanded) {
      // Loupe's layout (src/ui/graph/loupe-layout.ts) decodes entities in subgraph titles and edge
      // labels as in box labels; mermaid's own renderer would not, with htmlLabels off.
      lines.push(`${indent}subgraph ${id}[${label}]`);
      for (const child of children.get(box.id) ?? []) emit(child, `${indent}  `);
      lines.push(`${indent}end`);
      return;
    }
    const [open, close] = SHAPES[box.kind];
    lines.push(`${indent}${id}${open}${label}${close}`);
    if (box.kind === 'op') {
      const category = box.category ?? 'other';
      used.add(category);
      addClass(`op_${category}`, id);
    } else {
      addClass(box.kind === 'input' || box.kind === 'output' ? 'k_io' : `k_${box.kind}`, id);
    }
  };
  for (const box of children.get(undefined) ?? []) emit(box, '  ');

  for (const edge of view.edges) {
    const from = boxToId.get(edge.from);
    const to = boxToId.get(edge.to);
    if (from === undefined || to === undefined) continue;
    const arrow = edge.from.startsWith('stub:') || edge.to.startsWith('stub:') ? '-.->' : '-->';
    const label = detail.edgeLabels ? escapeMermaidText(edgeText(edge), MAX_EDGE_LABEL_CHARS) : '';
    lines.push(label ? `  ${from} ${arrow}|"${label}"| ${to}` : `  ${from} ${arrow} ${to}`);
  }

  for (const category of OP_CATEGORIES) if (used.has(category)) lines.push(classLine(`op_${category}`, CATEGORY_COLORS[theme][category]));
  const kinds = KIND_COLORS[theme];
  lines.push(classLine('k_scope', kinds.scope), classLine('k_fold', kinds.fold, ',stroke-width:3px'), classLine('k_io', kinds.io));
  lines.push(classLine('k_stub', kinds.stub, ',stroke-dasharray:4 3'), classLine('k_hl', kinds.highlight, ',stroke-width:3px'));
  for (const [name, ids] of byClass) lines.push(`  class ${ids.join(',')} ${name}`);
  const highlighted = [...(options.highlight ?? [])].map((boxId) => boxToId.get(boxId)).filter((id): id is string => id !== undefined && id.startsWith('n'));
  if (highlighted.length > 0) lines.push(`  class ${highlighted.join(',')} k_hl`);

  const categories = OP_CATEGORIES.filter((c) => used.has(c));
  return { text: `${lines.join('\n')}\n`, idToBox, boxToId, categories, legend: legendFor(theme, categories) };
}
