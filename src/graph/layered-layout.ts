/**
 * A layered layout for Loupe's graph views: boxes in ranks from top to bottom, subgraphs drawn as
 * nested rectangles, long edges routed through lanes so they pass beside boxes rather than over
 * them. Mermaid runs it as a layout algorithm (src/ui/graph/loupe-layout.ts).
 *
 * Written by hand because it measurably beats the library: mermaid's dagre layout (dagre-d3-es,
 * and @dagrejs/dagre 3.1 alike) takes 150–230 ms on the 100-node MLP's first view (127 boxes in
 * 25 subgraphs; its compound-graph ordering dominates), and even a flat 6-box graph costs it
 * 2.5 ms. Loupe's views are small (150 boxes at most) and nearly always acyclic, so a plain
 * Sugiyama pipeline laid out one subgraph at a time (`src/graph/layered-layout.test.ts` checks its
 * geometry; `npm run bench -- "wall clock"` times it in the page) is enough:
 *
 * - each subgraph is laid out on its own, innermost first, and is then one box of its parent's
 *   layout. An edge that leaves a subgraph runs down a lane to a port on its bottom side, and one
 *   that enters comes in through a port on its top side, so the subgraph's own layout reserves room
 *   for the edges that cross it;
 * - ranks by longest path (a cycle's closing edges are reversed first), sources pulled down next to
 *   their first consumer; a dummy per rank for every edge that spans several ranks;
 * - order within ranks by barycentre sweeps, keeping the order with the fewest crossings;
 * - x by weighted isotonic regression per rank (the closest positions to the neighbours' mean that
 *   keep the order and the spacing), swept down and up a few times.
 */

export interface LayoutNodeInput {
  id: string;
  /** The subgraph that holds it. */
  parent?: string;
  width: number;
  height: number;
}

export interface LayoutClusterInput {
  id: string;
  parent?: string;
  /** The title's size; the title sits at the top of the subgraph. */
  labelWidth: number;
  labelHeight: number;
}

export interface LayoutEdgeInput {
  id: string;
  from: string;
  to: string;
  labelWidth?: number;
  labelHeight?: number;
}

export interface LayoutInput {
  nodes: readonly LayoutNodeInput[];
  clusters: readonly LayoutClusterInput[];
  edges: readonly LayoutEdgeInput[];
}

export interface Point {
  x: number;
  y: number;
}

/** A box by its centre, as mermaid places nodes. */
export interface PlacedBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  /** From the source's border to the target's border; empty for an edge that cannot be drawn (a self loop). */
  points: Point[];
  /** Where the label's centre goes, for a labelled edge. */
  label?: Point;
}

export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, PlacedBox>;
  clusters: Map<string, PlacedBox>;
  edges: Map<string, PlacedEdge>;
}

export interface LayoutOptions {
  /** Horizontal space between boxes of one rank. */
  nodeSep: number;
  /** Horizontal space beside an edge lane. */
  laneSep: number;
  /** Vertical space between ranks. */
  rankSep: number;
  /** Space inside a subgraph's border. */
  padding: number;
  /** Space around the whole drawing. */
  margin: number;
  /** Space between an arrow's end and its target's border (the arrowhead fills it). */
  arrowGap: number;
}

export const DEFAULT_LAYOUT_OPTIONS: LayoutOptions = { nodeSep: 28, laneSep: 12, rankSep: 34, padding: 12, margin: 8, arrowGap: 3 };

/** The width an edge lane takes in its rank. */
const LANE_WIDTH = 2;
/** Barycentre sweeps (down and up alternately) tried when ordering a rank. */
const ORDER_SWEEPS = 8;
/** Down-and-up passes of the x placement. */
const POSITION_PASSES = 6;

type Kind = 'item' | 'top' | 'bottom' | 'dummy';

interface LevelNode {
  kind: Kind;
  /** The element for an item; the port key for a port. */
  key: string;
  width: number;
  height: number;
  rank: number;
  order: number;
  /** Relative to the level's frame, then absolute once the frames are placed. */
  x: number;
  y: number;
  up: LevelNode[];
  down: LevelNode[];
  /** Input order, for stable sorting. */
  seq: number;
}

interface LevelEdge {
  from: LevelNode;
  to: LevelNode;
  /** The dummies from `from` to `to`, in that order. */
  dummies: LevelNode[];
  labelled: boolean;
  labelHeight: number;
}

interface Level {
  cluster: string | undefined;
  items: Map<string, LevelNode>;
  tops: Map<string, LevelNode>;
  bottoms: Map<string, LevelNode>;
  edges: Map<string, LevelEdge>;
  nodes: LevelNode[];
  width: number;
  height: number;
  /** The frame's top-left corner in absolute coordinates, once placed. */
  left: number;
  top: number;
}

/** One original edge's route: the level edges it follows, from its source up and over to its target. */
interface Route {
  edge: LayoutEdgeInput;
  parts: { level: Level; edge: LevelEdge }[];
}

export function layeredLayout(input: LayoutInput, options: LayoutOptions = DEFAULT_LAYOUT_OPTIONS): Layout {
  const parentOf = new Map<string, string | undefined>();
  const size = new Map<string, { width: number; height: number }>();
  const clusterInput = new Map<string, LayoutClusterInput>();
  const seq = new Map<string, number>();
  for (const c of input.clusters) {
    parentOf.set(c.id, c.parent);
    clusterInput.set(c.id, c);
    seq.set(c.id, seq.size);
  }
  for (const n of input.nodes) {
    parentOf.set(n.id, n.parent);
    size.set(n.id, { width: n.width, height: n.height });
    seq.set(n.id, seq.size);
  }
  // A parent that is not a known subgraph (or a cycle of parents) puts the element at the top level.
  const ancestors = (id: string): string[] => {
    const chain = [id];
    const seen = new Set(chain);
    let p = parentOf.get(id);
    while (p !== undefined && clusterInput.has(p) && !seen.has(p)) {
      chain.push(p);
      seen.add(p);
      p = parentOf.get(p);
    }
    return chain;
  };
  const chains = new Map<string, string[]>();
  for (const id of parentOf.keys()) chains.set(id, ancestors(id));
  const levelParent = (id: string): string | undefined => chains.get(id)![1];

  const levels = new Map<string | undefined, Level>();
  const levelOf = (cluster: string | undefined): Level => {
    let level = levels.get(cluster);
    if (!level) {
      level = { cluster, items: new Map(), tops: new Map(), bottoms: new Map(), edges: new Map(), nodes: [], width: 0, height: 0, left: 0, top: 0 };
      levels.set(cluster, level);
    }
    return level;
  };
  const newNode = (kind: Kind, key: string, width: number, height: number, order: number): LevelNode => ({
    kind,
    key,
    width,
    height,
    rank: 0,
    order: 0,
    x: 0,
    y: 0,
    up: [],
    down: [],
    seq: order,
  });
  for (const id of parentOf.keys()) {
    const level = levelOf(levelParent(id));
    const s = size.get(id) ?? { width: 0, height: 0 };
    const node = newNode('item', id, s.width, s.height, seq.get(id)!);
    level.items.set(id, node);
    level.nodes.push(node);
  }
  levelOf(undefined);
  for (const c of input.clusters) levelOf(c.id);

  const levelEdge = (level: Level, from: LevelNode, to: LevelNode, label: LayoutEdgeInput): LevelEdge => {
    const key = `${from.kind}:${from.key}>${to.kind}:${to.key}`;
    let e = level.edges.get(key);
    if (!e) {
      e = { from, to, dummies: [], labelled: false, labelHeight: 0 };
      level.edges.set(key, e);
    }
    if (label.labelHeight) {
      e.labelled = true;
      e.labelHeight = Math.max(e.labelHeight, label.labelHeight);
    }
    return e;
  };
  const port = (level: Level, side: 'top' | 'bottom', key: string, order: number): LevelNode => {
    const ports = side === 'top' ? level.tops : level.bottoms;
    let p = ports.get(key);
    if (!p) {
      p = newNode(side, key, LANE_WIDTH, 0, order);
      ports.set(key, p);
      level.nodes.push(p);
    }
    return p;
  };

  const routes: Route[] = [];
  for (const edge of input.edges) {
    const a = chains.get(edge.from);
    const b = chains.get(edge.to);
    if (!a || !b || edge.from === edge.to || a.includes(edge.to) || b.includes(edge.from)) {
      routes.push({ edge, parts: [] });
      continue;
    }
    const inB = new Set(b);
    const lcaIndex = a.findIndex((id) => inB.has(id));
    const lca = lcaIndex < 0 ? undefined : a[lcaIndex];
    const upA = lcaIndex < 0 ? a : a.slice(0, lcaIndex);
    const upB = lca === undefined ? b : b.slice(0, b.indexOf(lca));
    const order = seq.get(edge.from)!;
    const parts: Route['parts'] = [];
    // Out of each subgraph that holds the source but not the target, through a port at its bottom.
    for (let i = 1; i < upA.length; i++) {
      const level = levelOf(upA[i]);
      parts.push({ level, edge: levelEdge(level, level.items.get(upA[i - 1]!)!, port(level, 'bottom', edge.from, order), edge) });
    }
    const top = levelOf(lca);
    parts.push({ level: top, edge: levelEdge(top, top.items.get(upA.at(-1)!)!, top.items.get(upB.at(-1)!)!, edge) });
    // Into each subgraph that holds the target but not the source, through a port at its top.
    for (let j = upB.length - 1; j >= 1; j--) {
      const level = levelOf(upB[j]);
      parts.push({ level, edge: levelEdge(level, port(level, 'top', edge.from, order), level.items.get(upB[j - 1]!)!, edge) });
    }
    routes.push({ edge, parts });
  }

  // Innermost subgraphs first: a subgraph's size is known before its parent is laid out.
  const depth = (cluster: string | undefined) => (cluster === undefined ? 0 : chains.get(cluster)!.length);
  const byDepth = [...levels.values()].sort((x, y) => depth(y.cluster) - depth(x.cluster));
  for (const level of byDepth) {
    layOutLevel(level, options, level.cluster === undefined ? undefined : clusterInput.get(level.cluster)!);
    if (level.cluster !== undefined) {
      const item = levelOf(levelParent(level.cluster)).items.get(level.cluster)!;
      item.width = level.width;
      item.height = level.height;
    }
  }

  // Frames, outermost first: a subgraph's frame is its box in its parent's frame.
  const root = levelOf(undefined);
  root.left = 0;
  root.top = 0;
  for (const level of [...byDepth].reverse()) {
    for (const node of level.nodes) {
      node.x += level.left;
      node.y += level.top;
    }
    for (const e of level.edges.values())
      for (const d of e.dummies) {
        d.x += level.left;
        d.y += level.top;
      }
    for (const item of level.items.values()) {
      const inner = levels.get(item.key);
      if (inner && clusterInput.has(item.key)) {
        inner.left = item.x - item.width / 2;
        inner.top = item.y - item.height / 2;
      }
    }
  }

  const nodes = new Map<string, PlacedBox>();
  const clusters = new Map<string, PlacedBox>();
  for (const level of levels.values())
    for (const item of level.items.values()) {
      const box = { x: item.x, y: item.y, width: item.width, height: item.height };
      if (clusterInput.has(item.key)) clusters.set(item.key, box);
      else nodes.set(item.key, box);
    }
  const boxOf = (id: string) => nodes.get(id) ?? clusters.get(id);

  const edges = new Map<string, PlacedEdge>();
  const labelled: LabelledEdge[] = [];
  for (const { edge, parts } of routes) {
    const from = boxOf(edge.from);
    const to = boxOf(edge.to);
    if (!from || !to || parts.length === 0) {
      edges.set(edge.id, { points: [] });
      continue;
    }
    const middle: Point[] = [];
    // The label goes on the stretch between the subgraphs, where the ranks left room for it:
    // from the last port the edge leaves by to the first port it enters by.
    let labelFrom = 0;
    let labelTo = -1;
    for (const { edge: e } of parts) {
      if (e.from.kind === 'top') {
        if (labelTo < 0) labelTo = middle.length + 1;
        middle.push({ x: e.from.x, y: e.from.y });
      }
      for (const d of e.dummies) middle.push({ x: d.x, y: d.y });
      if (e.to.kind === 'bottom') {
        middle.push({ x: e.to.x, y: e.to.y });
        labelFrom = middle.length;
      }
    }
    const next = middle[0] ?? to;
    const prev = middle.at(-1) ?? from;
    const down = next.y >= from.y;
    const start = { x: from.x, y: down ? from.y + from.height / 2 : from.y - from.height / 2 };
    const arrivingDown = prev.y <= to.y;
    const end = { x: to.x, y: arrivingDown ? to.y - to.height / 2 - options.arrowGap : to.y + to.height / 2 + options.arrowGap };
    const points = [start, ...middle, end];
    const between = points.slice(labelFrom, labelTo < 0 ? points.length : labelTo + 1);
    edges.set(edge.id, { points });
    if (edge.labelHeight || edge.labelWidth) labelled.push({ edge, between, placed: edges.get(edge.id)! });
  }
  placeLabels(labelled);

  return { width: root.width, height: root.height, nodes, clusters, edges };
}

/** Lays out one subgraph's (or the top level's) content in its own frame, and sets its size. */
function layOutLevel(level: Level, options: LayoutOptions, cluster: LayoutClusterInput | undefined): void {
  const items = [...level.items.values()].sort((a, b) => a.seq - b.seq);
  const edges = [...level.edges.values()];
  rankItems(items, edges);
  let maxRank = 0;
  for (const item of items) maxRank = Math.max(maxRank, item.rank);
  for (const p of level.tops.values()) p.rank = -1;
  for (const p of level.bottoms.values()) p.rank = maxRank + 1;

  // Dummies for edges that span ranks; then the adjacency the ordering and placement use.
  const all: LevelNode[] = [...items, ...[...level.tops.values()].sort((a, b) => a.seq - b.seq), ...[...level.bottoms.values()].sort((a, b) => a.seq - b.seq)];
  for (const e of edges) {
    const step = e.to.rank > e.from.rank ? 1 : -1;
    let prev = e.from;
    for (let r = e.from.rank + step; r !== e.to.rank; r += step) {
      const d: LevelNode = { kind: 'dummy', key: '', width: LANE_WIDTH, height: 0, rank: r, order: 0, x: 0, y: 0, up: [], down: [], seq: e.from.seq };
      e.dummies.push(d);
      all.push(d);
      link(prev, d);
      prev = d;
    }
    link(prev, e.to);
  }

  const minRank = level.tops.size > 0 ? -1 : 0;
  const lastRank = level.bottoms.size > 0 ? maxRank + 1 : maxRank;
  const ranks: LevelNode[][] = [];
  for (let r = minRank; r <= lastRank; r++) ranks.push([]);
  for (const n of all) ranks[n.rank - minRank]!.push(n);
  orderRanks(ranks);
  placeX(ranks, options);

  // y: each rank as tall as its tallest box, with room for edge labels between ranks.
  const title = cluster && cluster.labelHeight > 0 ? cluster.labelHeight + options.padding / 2 : 0;
  const labelGap = new Map<number, number>();
  for (const e of edges) {
    if (!e.labelled) continue;
    const r = Math.min(e.from.rank, e.to.rank);
    labelGap.set(r, Math.max(labelGap.get(r) ?? 0, e.labelHeight));
  }
  const inset = cluster ? options.padding : options.margin;
  let y = inset + title;
  for (let r = 0; r <= maxRank; r++) {
    const row = ranks[r - minRank] ?? [];
    let height = 0;
    for (const n of row) height = Math.max(height, n.height);
    for (const n of row) n.y = y + height / 2;
    y += height + (r < maxRank ? options.rankSep + (labelGap.get(r) ?? 0) : 0);
  }
  const bottom = y + inset;
  for (const p of level.tops.values()) p.y = 0;
  for (const p of level.bottoms.values()) p.y = bottom;

  // x: the content, centred under the title when the title is wider.
  let minX = Infinity;
  let maxX = -Infinity;
  for (const n of all) {
    minX = Math.min(minX, n.x - n.width / 2);
    maxX = Math.max(maxX, n.x + n.width / 2);
  }
  if (all.length === 0) minX = maxX = 0;
  const content = maxX - minX;
  const inner = Math.max(content, cluster?.labelWidth ?? 0);
  const shift = inset + (inner - content) / 2 - minX;
  for (const n of all) n.x += shift;
  level.width = inner + 2 * inset;
  level.height = bottom;
}

function link(from: LevelNode, to: LevelNode): void {
  from.down.push(to);
  to.up.push(from);
}

/**
 * Longest-path ranks over the level's item-to-item edges, sources then pulled down next to their
 * first consumer. Edges that close a cycle (found by depth-first search in input order) rank as if
 * reversed.
 */
function rankItems(items: LevelNode[], edges: LevelEdge[]): void {
  const out = new Map<LevelNode, LevelNode[]>();
  const inDegree = new Map<LevelNode, number>();
  for (const n of items) {
    out.set(n, []);
    inDegree.set(n, 0);
  }
  const itemEdges = edges.filter((e) => e.from.kind === 'item' && e.to.kind === 'item');
  const adjacency = new Map<LevelNode, LevelNode[]>();
  for (const n of items) adjacency.set(n, []);
  for (const e of itemEdges) adjacency.get(e.from)!.push(e.to);
  // Back edges by an iterative depth-first search.
  const state = new Map<LevelNode, 1 | 2>();
  const back = new Set<string>();
  for (const start of items) {
    if (state.has(start)) continue;
    const stack: [LevelNode, number][] = [[start, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = adjacency.get(top[0])![top[1]++];
      if (next === undefined) {
        state.set(top[0], 2);
        stack.pop();
      } else if (!state.has(next)) {
        state.set(next, 1);
        stack.push([next, 0]);
      } else if (state.get(next) === 1) back.add(`${top[0].seq}>${next.seq}`);
    }
  }
  for (const e of itemEdges) {
    const reversed = back.has(`${e.from.seq}>${e.to.seq}`);
    const [u, v] = reversed ? [e.to, e.from] : [e.from, e.to];
    if (u === v) continue;
    out.get(u)!.push(v);
    inDegree.set(v, inDegree.get(v)! + 1);
  }
  // Kahn's order, then longest path.
  const queue = items.filter((n) => inDegree.get(n) === 0);
  const topo: LevelNode[] = [];
  const degree = new Map(inDegree);
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    topo.push(n);
    for (const m of out.get(n)!) {
      degree.set(m, degree.get(m)! - 1);
      if (degree.get(m) === 0) queue.push(m);
    }
  }
  for (const n of items) n.rank = 0;
  for (const n of topo) for (const m of out.get(n)!) m.rank = Math.max(m.rank, n.rank + 1);
  // A source sits just above its nearest consumer rather than at the top.
  for (let i = topo.length - 1; i >= 0; i--) {
    const n = topo[i]!;
    if (inDegree.get(n) !== 0 || out.get(n)!.length === 0) continue;
    let nearest = Infinity;
    for (const m of out.get(n)!) nearest = Math.min(nearest, m.rank);
    n.rank = Math.max(n.rank, nearest - 1);
  }
}

/** Barycentre ordering: sweeps down and up, keeping the order with the fewest crossings. */
function orderRanks(ranks: LevelNode[][]): void {
  for (const row of ranks) {
    row.sort((a, b) => a.seq - b.seq);
    row.forEach((n, i) => (n.order = i));
  }
  let best = ranks.map((row) => [...row]);
  let bestCrossings = crossings(ranks);
  for (let sweep = 0; sweep < ORDER_SWEEPS && bestCrossings > 0; sweep++) {
    const downward = sweep % 2 === 0;
    for (let k = 1; k < ranks.length; k++) {
      const r = downward ? k : ranks.length - 1 - k;
      const row = ranks[r]!;
      const keyed = row.map((n) => {
        const neighbours = downward ? n.up : n.down;
        let sum = 0;
        for (const m of neighbours) sum += m.order;
        return { n, key: neighbours.length > 0 ? sum / neighbours.length : n.order };
      });
      keyed.sort((a, b) => a.key - b.key || a.n.order - b.n.order);
      keyed.forEach(({ n }, i) => {
        row[i] = n;
        n.order = i;
      });
    }
    const count = crossings(ranks);
    if (count < bestCrossings) {
      bestCrossings = count;
      best = ranks.map((row) => [...row]);
    }
  }
  best.forEach((row, r) => {
    ranks[r] = row;
    row.forEach((n, i) => (n.order = i));
  });
}

/** Edge crossings between adjacent ranks (pairs of edges whose ends are in opposite orders). */
function crossings(ranks: LevelNode[][]): number {
  let total = 0;
  for (let r = 0; r + 1 < ranks.length; r++) {
    const pairs: [number, number][] = [];
    for (const n of ranks[r]!) for (const m of n.down) if (m.rank === n.rank + 1) pairs.push([n.order, m.order]);
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 0; i < pairs.length; i++) for (let j = i + 1; j < pairs.length; j++) if (pairs[j]![0] > pairs[i]![0] && pairs[j]![1] < pairs[i]![1]) total++;
  }
  return total;
}

/**
 * x within each rank: start packed and centred, then move each rank toward the mean of its
 * neighbours in the rank above (down passes) or below (up passes), keeping order and spacing.
 */
function placeX(ranks: LevelNode[][], options: LayoutOptions): void {
  const gap = (a: LevelNode, b: LevelNode) => a.width / 2 + b.width / 2 + (a.kind === 'item' && b.kind === 'item' ? options.nodeSep : options.laneSep);
  for (const row of ranks) {
    let x = 0;
    row.forEach((n, i) => {
      if (i > 0) x += gap(row[i - 1]!, n);
      n.x = x;
    });
    for (const n of row) n.x -= x / 2;
  }
  const pass = (rows: LevelNode[][], neighbours: (n: LevelNode) => LevelNode[], boxWeight: number) => {
    for (const row of rows) {
      const desired = row.map((n) => {
        const all = neighbours(n);
        // A box follows the boxes it is wired to; only a box wired to lanes and ports alone follows them.
        const boxes = n.kind === 'item' ? all.filter((m) => m.kind === 'item') : [];
        const list = boxes.length > 0 ? boxes : all;
        if (list.length === 0) return n.x;
        let sum = 0;
        let weight = 0;
        for (const m of list) {
          const w = pull(n, m);
          sum += w * m.x;
          weight += w;
        }
        return sum / weight;
      });
      const weights = row.map((n) => (n.kind === 'item' ? boxWeight : 1));
      isotonicPlace(row, desired, weights, gap);
    }
  };
  for (let i = 0; i < POSITION_PASSES; i++) {
    pass(ranks, (n) => n.up, 10);
    pass([...ranks].reverse(), (n) => n.down, 10);
  }
  // Last, boxes line up under the boxes that feed them, and lanes make way.
  pass(ranks, (n) => n.up, 1000);
}

/**
 * How hard `m` pulls `n` toward itself: a lane follows the rest of its own lane (so a long edge
 * runs straight, beside the boxes that push it) and its ends barely; a port follows the box it feeds.
 */
function pull(n: LevelNode, m: LevelNode): number {
  if (n.kind === 'item') return 1;
  if (n.kind === 'dummy') return m.kind === 'dummy' ? 1 : 0.01;
  return m.kind === 'item' ? 4 : 1;
}

/**
 * The positions closest (weighted least squares) to `desired` that keep the row's order with at
 * least `gap` between neighbours: pool-adjacent-violators on x minus the cumulative gaps.
 */
function isotonicPlace(row: LevelNode[], desired: number[], weights: number[], gap: (a: LevelNode, b: LevelNode) => number): void {
  const offsets: number[] = [];
  let offset = 0;
  row.forEach((n, i) => {
    if (i > 0) offset += gap(row[i - 1]!, n);
    offsets.push(offset);
  });
  const blocks: { value: number; weight: number; count: number }[] = [];
  row.forEach((_, i) => {
    let block = { value: desired[i]! - offsets[i]!, weight: weights[i]!, count: 1 };
    while (blocks.length > 0 && blocks[blocks.length - 1]!.value > block.value) {
      const prev = blocks.pop()!;
      const weight = prev.weight + block.weight;
      block = { value: (prev.value * prev.weight + block.value * block.weight) / weight, weight, count: prev.count + block.count };
    }
    blocks.push(block);
  });
  let i = 0;
  for (const block of blocks)
    for (let k = 0; k < block.count; k++, i++) {
      row[i]!.x = block.value + offsets[i]!;
    }
}

interface LabelledEdge {
  edge: LayoutEdgeInput;
  /** The stretch of the route between subgraphs, where the label goes. */
  between: Point[];
  placed: PlacedEdge;
}

/**
 * Edge labels go beside their edge, just below where it leaves its source, or just above where it
 * reaches its target when the source has several labelled edges (they fan out, so their labels
 * part near the targets): in the gap the ranks left for them. A label that still overlaps one
 * placed before moves right.
 */
function placeLabels(labelled: LabelledEdge[]): void {
  const fanOut = new Map<string, number>();
  for (const { edge } of labelled) fanOut.set(edge.from, (fanOut.get(edge.from) ?? 0) + 1);
  const placed: { x: number; y: number; width: number; height: number }[] = [];
  for (const { edge, between, placed: target } of labelled) {
    const width = edge.labelWidth ?? 0;
    const height = edge.labelHeight ?? 0;
    const nearTarget = fanOut.get(edge.from)! > 1;
    const along = pointAt(nearTarget ? [...between].reverse() : between, height / 2 + LABEL_CLEARANCE);
    const box = { x: along.x + width / 2 + LABEL_CLEARANCE, y: along.y, width, height };
    for (let moved = true, guard = 0; moved && guard < placed.length + 1; guard++) {
      moved = false;
      for (const other of placed)
        if (Math.abs(other.x - box.x) * 2 < other.width + box.width && Math.abs(other.y - box.y) * 2 < other.height + box.height) {
          box.x = other.x + (other.width + box.width) / 2 + LABEL_CLEARANCE;
          moved = true;
        }
    }
    placed.push(box);
    target.label = { x: box.x, y: box.y };
  }
}

/** Space between an edge label and its edge, its source or another label. */
const LABEL_CLEARANCE = 6;

/** The point `distance` along a polyline from its start (its end, when the polyline is shorter). */
function pointAt(points: Point[], distance: number): Point {
  let left = distance;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    if (length >= left && length > 0) return { x: a.x + ((b.x - a.x) * left) / length, y: a.y + ((b.y - a.y) * left) / length };
    left -= length;
  }
  return points[points.length - 1]!;
}
