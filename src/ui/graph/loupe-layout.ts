import { DEFAULT_LAYOUT_OPTIONS, layeredLayout, type LayoutInput, type Point } from '../../graph/layered-layout';

/**
 * Loupe's layout algorithm for mermaid (registered as `loupe` with `mermaid.registerLayoutLoaders`,
 * as mermaid's own ELK and tidy-tree layouts plug in). Mermaid parses the flowchart, resolves its
 * classes and theme, writes the markers and the stylesheet and sizes the SVG; this module measures
 * the labels, lays the diagram out (src/graph/layered-layout.ts) and draws it with the elements and
 * classes mermaid's own renderer uses, so the theme's CSS, the classDef colours and Loupe's tagging
 * (`g.node`, `g.cluster`, ids ending in the box id) work unchanged.
 *
 * Written by hand because it measurably beats mermaid's renderer on Loupe's graph views: mermaid
 * measures each label line in the page (a forced layout per line), runs each label through
 * DOMPurify and lays out with dagre; this measures text on a canvas and sets labels as text nodes.
 * On the 100-node MLP's first view (127 boxes in 25 subgraphs), `loupe:mermaid:render` goes from
 * about 430 ms to the figure in the README's bench table (`npm run bench -- "wall clock"`).
 * Only for Loupe's own flowcharts (top to bottom, labels escaped by src/graph/to-mermaid.ts); model
 * cards' diagrams keep mermaid's dagre layout.
 */

/** The subset of mermaid's layout data that this layout reads (mermaid's `LayoutData`). */
interface MermaidNode {
  id: string;
  domId?: string;
  label?: string;
  shape?: string;
  isGroup?: boolean;
  parentId?: string;
  cssClasses?: string;
  cssStyles?: string[];
  cssCompiledStyles?: string[];
}

interface MermaidEdge {
  id: string;
  start: string;
  end: string;
  label?: string;
  pattern?: string;
  thickness?: string;
  arrowTypeEnd?: string;
  style?: string[];
}

interface LayoutData {
  nodes: MermaidNode[];
  edges: MermaidEdge[];
  type: string;
  diagramId: string;
  markers: string[];
}

/** The d3 selection mermaid hands to a layout; only `select` and `node` are used. */
interface Selection {
  select(selector: string): Selection;
  node(): Element | null;
}

interface Helpers {
  insertMarkers(element: Selection, markers: string[], type: string, id: string): void;
  getConfig(): { fontFamily?: string; themeVariables?: { fontFamily?: string; fontSize?: string | number; clusterBkg?: string; clusterBorder?: string } };
}

const SVG = 'http://www.w3.org/2000/svg';
/** Space between a label and its box's border. */
const PAD_X = 14;
const PAD_Y = 8;
const LINE_HEIGHT = 1.2;

/** Mermaid's placeholders for `#NNN;` entities in labels (its encodeEntities), turned back into characters. */
export function decodeMermaidEntities(text: string): string {
  return text
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(Math.min(Number(code), 0x10ffff)))
    .replace(/ﬂ°(\w+)¶ß/g, (_, name: string) => NAMED[name] ?? `&${name};`);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** A label's lines: mermaid keeps `<br>` as the line break. */
export function labelLines(label: string | undefined): string[] {
  if (!label) return [];
  return decodeMermaidEntities(label)
    .split(/<br\s*\/?>/i)
    .map((line) => line.trim());
}

/** Mermaid's class styles split as its own renderer does: text colour and font on the label, the rest on the shape. */
function splitStyles(node: MermaidNode): { shape: string; label: string } {
  // By property, the last one winning, as in CSS (mermaid lists a class's colour twice).
  const shape = new Map<string, string>();
  const label = new Map<string, string>();
  for (const entry of [...(node.cssCompiledStyles ?? []), ...(node.cssStyles ?? [])]) {
    const at = entry.indexOf(':');
    if (at < 0) continue;
    const property = entry.slice(0, at).trim();
    const value = entry.slice(at + 1).trim();
    if (property === 'color') label.set('fill', value);
    else if (property.startsWith('font') || property === 'text-decoration') label.set(property, value);
    else shape.set(property, value);
  }
  const css = (styles: Map<string, string>) => [...styles].map(([property, value]) => `${property}:${value} !important`).join(';');
  return { shape: css(shape), label: css(label) };
}

/** Coordinates to the hundredth of a pixel: the SVG is serialized, sanitized and parsed again, so its size counts. */
const round = (n: number) => Math.round(n * 100) / 100;

function element(parent: Element, tag: string, attributes: Record<string, string | number>): Element {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, typeof value === 'number' ? String(round(value)) : value);
  parent.appendChild(el);
  return el;
}

/** A label: one `<text>`, with a `<tspan class="row">` per line when it has several. */
function text(parent: Element, lines: string[], lineHeight: number, style: string): void {
  const t = element(parent, 'text', style ? { style } : {});
  if (lines.length === 1) {
    t.textContent = lines[0]!;
    return;
  }
  lines.forEach((line, i) => {
    const span = element(t, 'tspan', { class: 'row', x: 0, y: (i - (lines.length - 1) / 2) * lineHeight });
    span.textContent = line;
  });
}

/** d3's `curveBasis` (the curve mermaid draws flowchart edges with) as a path. */
export function basisPath(points: readonly Point[]): string {
  const f = (n: number) => Math.round(n * 100) / 100;
  if (points.length === 0) return '';
  if (points.length === 1) return `M${f(points[0]!.x)},${f(points[0]!.y)}`;
  if (points.length === 2) return `M${f(points[0]!.x)},${f(points[0]!.y)}L${f(points[1]!.x)},${f(points[1]!.y)}`;
  let d = `M${f(points[0]!.x)},${f(points[0]!.y)}`;
  const bezier = (p0: Point, p1: Point, p: Point) =>
    `C${f((2 * p0.x + p1.x) / 3)},${f((2 * p0.y + p1.y) / 3)},${f((p0.x + 2 * p1.x) / 3)},${f((p0.y + 2 * p1.y) / 3)},${f((p0.x + 4 * p1.x + p.x) / 6)},${f((p0.y + 4 * p1.y + p.y) / 6)}`;
  const [a, b] = [points[0]!, points[1]!];
  d += `L${f((5 * a.x + b.x) / 6)},${f((5 * a.y + b.y) / 6)}`;
  for (let i = 2; i < points.length; i++) d += bezier(points[i - 2]!, points[i - 1]!, points[i]!);
  const last = points[points.length - 1]!;
  d += bezier(points[points.length - 2]!, last, last);
  d += `L${f(last.x)},${f(last.y)}`;
  return d;
}

function drawShape(group: Element, shape: string | undefined, width: number, height: number, style: string): void {
  const w = width / 2;
  const h = height / 2;
  const base = { class: 'basic label-container', ...(style ? { style } : {}) };
  switch (shape) {
    case 'roundedRect':
      element(group, 'rect', { ...base, x: -w, y: -h, width, height, rx: 5 });
      return;
    case 'stadium':
      element(group, 'rect', { ...base, x: -w, y: -h, width, height, rx: h });
      return;
    case 'subroutine':
      element(group, 'rect', { ...base, x: -w, y: -h, width, height });
      element(group, 'path', { ...base, class: 'label-container', d: `M${-w + 7},${-h}V${h}M${w - 7},${-h}V${h}` });
      return;
    case 'hexagon': {
      const s = Math.min(h, 12);
      element(group, 'polygon', { ...base, points: `${-w},0 ${-w + s},${-h} ${w - s},${-h} ${w},0 ${w - s},${h} ${-w + s},${h}` });
      return;
    }
    case 'lean_right': {
      const s = Math.min(h, 10);
      element(group, 'polygon', { ...base, points: `${-w + s},${-h} ${w},${-h} ${w - s},${h} ${-w},${h}` });
      return;
    }
    default:
      element(group, 'rect', { ...base, x: -w, y: -h, width, height });
  }
}

/** Extra width a shape needs beside its label (slanted and pointed sides). */
function shapeAllowance(shape: string | undefined, height: number): number {
  if (shape === 'hexagon') return 2 * Math.min(height / 2, 12);
  if (shape === 'lean_right') return 2 * Math.min(height / 2, 10);
  if (shape === 'stadium') return height / 2;
  if (shape === 'subroutine') return 14;
  return 0;
}

export async function render(data: LayoutData, svg: Selection, helpers: Helpers): Promise<void> {
  const root = svg.select('g');
  helpers.insertMarkers(root, data.markers, data.type, data.diagramId);
  const config = helpers.getConfig();
  const fontSize = parseFloat(String(config.themeVariables?.fontSize ?? 16)) || 16;
  const fontFamily = config.themeVariables?.fontFamily ?? config.fontFamily ?? 'sans-serif';
  const lineHeight = fontSize * LINE_HEIGHT;
  const context = document.createElement('canvas').getContext('2d');
  if (context) context.font = `${fontSize}px ${fontFamily}`;
  const widths = new Map<string, number>();
  const measure = (lines: string[]) => {
    let width = 0;
    for (const line of lines) {
      let w = widths.get(line);
      if (w === undefined) {
        w = context ? context.measureText(line).width : line.length * fontSize * 0.6;
        widths.set(line, w);
      }
      width = Math.max(width, w);
    }
    return { width, height: lines.length * lineHeight };
  };

  // Subgraphs outermost first (each is drawn over its parent), in definition order within a depth
  // (mermaid lists them last defined first).
  const parentOf = new Map(data.nodes.map((n) => [n.id, n.parentId]));
  const depthOf = (id: string) => {
    let depth = 0;
    for (let p = parentOf.get(id); p !== undefined && depth < data.nodes.length; p = parentOf.get(p)) depth++;
    return depth;
  };
  const groups = data.nodes
    .filter((n) => n.isGroup)
    .reverse()
    .map((g) => ({ g, depth: depthOf(g.id) }))
    .sort((a, b) => a.depth - b.depth)
    .map(({ g }) => g);
  const boxes = data.nodes.filter((n) => !n.isGroup);
  const lines = new Map<string, string[]>();
  const input: LayoutInput = {
    clusters: groups.map((g) => {
      const l = labelLines(g.label);
      lines.set(g.id, l);
      const size = measure(l);
      return { id: g.id, parent: g.parentId, labelWidth: size.width, labelHeight: size.height };
    }),
    nodes: boxes.map((n) => {
      const l = labelLines(n.label);
      lines.set(n.id, l);
      const size = measure(l);
      const height = size.height + 2 * PAD_Y;
      return { id: n.id, parent: n.parentId, width: size.width + 2 * PAD_X + shapeAllowance(n.shape, height), height };
    }),
    edges: data.edges.map((e) => {
      const l = labelLines(e.label);
      lines.set(`edge:${e.id}`, l);
      const size = l.length > 0 ? measure(l) : undefined;
      return { id: e.id, from: e.start, to: e.end, ...(size ? { labelWidth: size.width + 4, labelHeight: size.height } : {}) };
    }),
  };
  const layout = layeredLayout(input);

  const top = root.node()!;
  // Subgraph backgrounds, then edges, then the subgraphs themselves (transparent, with their
  // titles on the background colour), then boxes: an edge that enters a subgraph passes
  // under its title instead of striking through it.
  // Every label is centred on its point: said once here (both properties inherit), not per label.
  const group = element(top, 'g', { class: 'root', 'text-anchor': 'middle', 'dominant-baseline': 'central' });
  const backgroundsGroup = element(group, 'g', { class: 'cluster-backgrounds', 'aria-hidden': 'true' });
  const edgesGroup = element(group, 'g', { class: 'edgePaths' });
  const clustersGroup = element(group, 'g', { class: 'clusters' });
  const labelsGroup = element(group, 'g', { class: 'edgeLabels' });
  const nodesGroup = element(group, 'g', { class: 'nodes' });
  const colour = (value: string | undefined) => (value && /^[#\w(),.% -]+$/.test(value) ? value : undefined);
  const clusterFill = colour(config.themeVariables?.clusterBkg);
  const clusterStroke = colour(config.themeVariables?.clusterBorder);

  for (const g of groups) {
    const box = layout.clusters.get(g.id);
    if (!box) continue;
    const styles = splitStyles(g);
    const rect = { x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height };
    // The theme's subgraph colours, as its `.cluster rect` rule gives them; a class's own win.
    const background = [clusterFill && `fill:${clusterFill}`, clusterStroke && `stroke:${clusterStroke}`, styles.shape].filter(Boolean).join(';');
    element(backgroundsGroup, 'rect', { ...rect, ...(background ? { style: background } : {}) });
    const cluster = element(clustersGroup, 'g', { class: `cluster ${g.cssClasses ?? ''}`.trim(), id: g.domId ?? g.id });
    element(cluster, 'rect', { ...rect, style: 'fill:none !important;stroke:none !important;pointer-events:all' });
    const title = lines.get(g.id) ?? [];
    if (title.length > 0) {
      const label = element(cluster, 'g', {
        class: 'cluster-label',
        transform: `translate(${round(box.x)}, ${round(box.y - box.height / 2 + DEFAULT_LAYOUT_OPTIONS.padding + (title.length * lineHeight) / 2)})`,
      });
      if (clusterFill) {
        const size = measure(title);
        element(label, 'rect', {
          x: -size.width / 2 - 3,
          y: -size.height / 2,
          width: size.width + 6,
          height: size.height,
          style: `fill:${clusterFill};stroke:none`,
        });
      }
      text(label, title, lineHeight, styles.label);
    }
  }

  for (const e of data.edges) {
    const placed = layout.edges.get(e.id);
    if (!placed || placed.points.length < 2) continue;
    const pattern = e.pattern === 'dotted' || e.pattern === 'dashed' ? e.pattern : 'solid';
    element(edgesGroup, 'path', {
      d: basisPath(placed.points),
      id: `${data.diagramId}-${e.id}`,
      class: `edge-thickness-${e.thickness === 'thick' ? 'thick' : 'normal'} edge-pattern-${pattern} flowchart-link`,
      ...(e.style && e.style.length > 0 ? { style: e.style.join(';') } : {}),
      ...(e.arrowTypeEnd === 'arrow_point' ? { 'marker-end': `url(#${data.diagramId}_${data.type}-pointEnd)` } : {}),
    });
    const label = lines.get(`edge:${e.id}`) ?? [];
    if (label.length > 0 && placed.label) {
      const outer = element(labelsGroup, 'g', { class: 'edgeLabel', transform: `translate(${round(placed.label.x)}, ${round(placed.label.y)})` });
      const inner = element(outer, 'g', { class: 'label' });
      const size = measure(label);
      element(inner, 'rect', { class: 'background', x: -size.width / 2 - 2, y: -size.height / 2, width: size.width + 4, height: size.height });
      text(inner, label, lineHeight, '');
    }
  }

  for (const n of boxes) {
    const box = layout.nodes.get(n.id);
    if (!box) continue;
    const node = element(nodesGroup, 'g', {
      class: `node ${n.cssClasses ?? ''}`.trim(),
      id: n.domId ?? n.id,
      transform: `translate(${round(box.x)}, ${round(box.y)})`,
    });
    const styles = splitStyles(n);
    drawShape(node, n.shape, box.width, box.height, styles.shape);
    // A box whose class sets its text colour needs no `.label` group for the theme's text rule.
    text(styles.label.includes('fill:') ? node : element(node, 'g', { class: 'label' }), lines.get(n.id) ?? [], lineHeight, styles.label);
  }
}
