import { scopePath, topOps, type Scope, type ScopeTree, type ValueType } from './build-scope-tree';
import { foldContaining, foldedChildren, type FoldedBlock, type FoldItem } from './fold-repeated-blocks';
import { formatCount } from './format-count';
import { categoryOf, type OpCategory } from './op-category';

/** Never draw more boxes than this in one view (containers and stubs included): mermaid slows sharply past it. */
export const MAX_RENDERED = 150;
/** Default size of a section: a level with more items is split. */
export const DEFAULT_MAX_BOXES = 60;
/** The most a section may hold, whatever the caller asks: inputs, outputs and stubs must still fit in MAX_RENDERED. */
export const MAX_SECTION_BOXES = 100;
/** Input boxes (and output boxes) drawn at most; more are grouped by name pattern, then merged. */
export const MAX_IO_BOXES = 12;
/** Stubs to other sections drawn at most; the least connected ones merge into one. */
export const MAX_SECTION_STUBS = 8;
/** Edges drawn at most (mermaid's default maxEdges is 500); the weakest are dropped beyond. */
export const MAX_DRAWN_EDGES = 400;
/** Op types listed on a scope box. */
export const TOP_OPS_SHOWN = 3;

/** What a box stands for. */
export type ViewBoxKind = 'scope' | 'fold' | 'op' | 'input' | 'output' | 'stub';

/** What a stub stands for: the graph outside the scope, another section, or a folded block's other instances. */
export type StubKind = 'outside-in' | 'outside-out' | 'section' | 'sections' | 'instances';

/** One box of a view. Labels are raw text: to-mermaid escapes them. */
export interface ViewBox {
  /** `scope:<scope id>`, `fold:<fold id>`, `node:<node id>`, `input:<name>`, `output:<name>`, `stub:…`. Never a mermaid id. */
  id: string;
  kind: ViewBoxKind;
  /** The main line: scope name, fold label, op type, value name. */
  label: string;
  /** Further lines: counts, top ops, node name, type. */
  detail: string[];
  /** The expanded box this one is drawn inside; absent at the level's top. */
  parent?: string;
  /** True when the box is drawn as a container (mermaid subgraph) holding its children. */
  expanded?: boolean;
  /** Scope boxes: the scope. */
  scopeId?: string;
  /** Fold boxes and their instances stub: the folded block. */
  foldId?: string;
  /** Fold boxes: the scope id of each instance, in order. */
  instanceScopeIds?: string[];
  /** Expanded fold boxes: the position of the instance shown. */
  shownInstance?: number;
  /** Op boxes: the node. */
  nodeId?: string;
  opType?: string;
  domain?: string;
  category?: OpCategory;
  /** Scope and fold boxes: nodes under it (one instance's, for a fold). */
  nodeCount?: number;
  /** Scope and fold boxes: parameters under it (all instances, for a fold). */
  parameterCount?: number;
  topOps?: { opType: string; count: number }[];
  /** Input and output boxes: the graph values they stand for. */
  valueNames?: string[];
  /** Stub boxes: what they stand for. */
  stub?: StubKind;
  /** Stubs to a section: which one. */
  sectionId?: string;
}

/** An aggregated edge: the tensors that flow from one box to another. */
export interface ViewEdge {
  id: string;
  from: string;
  to: string;
  /** Distinct tensors flowing between the two boxes. */
  count: number;
  /** The first few tensor names (all of them up to 8). */
  tensorNames: string[];
  /** When count is 1: the tensor and its declared type, where known. */
  tensor?: { name: string } & ValueType;
}

/** A slice of a level too large to draw at once. */
export interface ViewSection {
  id: string;
  label: string;
  /** Box ids of the level's items in this section, whether drawn now or not. */
  boxIds: string[];
}

/** One level of the graph, ready for to-mermaid. */
export interface GraphView {
  scopeId: string;
  /** The scope's name. */
  title: string;
  /** From the top level to this scope. */
  breadcrumb: { scopeId: string; label: string }[];
  /** Set when the scope is one instance of a folded block: lets the UI offer the other instances. */
  instanceOf?: { foldId: string; label: string; position: number; count: number; instanceScopeIds: string[] };
  /** Boxes to draw; a container comes before the boxes inside it. */
  boxes: ViewBox[];
  edges: ViewEdge[];
  /** Always at least one. */
  sections: ViewSection[];
  /** The section drawn. */
  sectionId: string;
  /** Equal to boxes.length; never above MAX_RENDERED. */
  renderedCount: number;
  /** Nodes under this scope, drawn or not. */
  nodeCount: number;
  /** Ids from `expanded` that were left collapsed (too big, or over the budget). */
  refused: string[];
  /** Sentences for the user: what was left collapsed or not drawn, and why. */
  notices: string[];
  /** With `focusNodeId`: the box that shows that node. */
  focusBoxId?: string;
}

/** How to build a view. */
export interface BuildViewOptions {
  /** Scope ids and fold ids to draw expanded in place (as containers) rather than as one box. */
  expanded?: ReadonlySet<string>;
  /** Fold id → position (0-based) of the instance an expanded fold shows; 0 by default. */
  instances?: ReadonlyMap<string, number>;
  /** The section to draw; the first (or the focused node's) by default. */
  sectionId?: string;
  /** A node to show: picks its section, and `focusBoxId` says which box holds it. */
  focusNodeId?: string;
  /** Items per section (DEFAULT_MAX_BOXES; at most MAX_SECTION_BOXES). */
  maxBoxes?: number;
}

type Item = { kind: 'scope'; scope: Scope } | { kind: 'fold'; block: FoldedBlock } | { kind: 'op'; index: number };

const OUTSIDE = '\u0000outside';
const NONE = '\u0000none';
const IN_STUB = 'stub:outside-in';
const OUT_STUB = 'stub:outside-out';
const MORE_SECTIONS_STUB = 'stub:sections';
const MAX_EDGE_NAMES = 8;

const itemsCache = new WeakMap<Scope, Item[]>();

/** A stub for something not drawn: outside the scope, or in another section (a fold's instances stub is drawn). */
function isFar(boxId: string): boolean {
  return boxId.startsWith('stub:') && !boxId.startsWith('stub:instances:');
}

function firstIndexOf(item: FoldItem): number {
  return item.kind === 'scope' ? item.scope.firstIndex : item.block.instances[0]!.firstIndex;
}

/** A scope's direct nodes and (folded) children, in graph order. Memoized. */
function levelItems(scope: Scope): Item[] {
  let items = itemsCache.get(scope);
  if (items) return items;
  items = [];
  const folded = foldedChildren(scope);
  let j = 0;
  for (const index of scope.nodeIndices) {
    while (j < folded.length && firstIndexOf(folded[j]!) < index) items.push(folded[j++]!);
    items.push({ kind: 'op', index });
  }
  while (j < folded.length) items.push(folded[j++]!);
  itemsCache.set(scope, items);
  return items;
}

function itemBoxId(tree: ScopeTree, item: Item): string {
  if (item.kind === 'scope') return `scope:${item.scope.id}`;
  if (item.kind === 'fold') return `fold:${item.block.id}`;
  return `node:${tree.graph.nodes[item.index]!.id}`;
}

/** A name to show: blank names still need a visible label. */
function displayName(name: string): string {
  return name.trim() === '' ? '(unnamed)' : name;
}

function itemLabel(tree: ScopeTree, item: Item): string {
  if (item.kind === 'scope') return displayName(item.scope.name);
  if (item.kind === 'fold') return item.block.label;
  const node = tree.graph.nodes[item.index]!;
  return node.name || node.opType;
}

/** The last segment of a node name, the part that tells it from its siblings. */
function shortName(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? name : name.slice(slash + 1);
}

function countsLine(nodeCount: number, parameterCount: number): string {
  const ops = `${formatCount(nodeCount)} ${nodeCount === 1 ? 'op' : 'ops'}`;
  return parameterCount > 0 ? `${ops} · ${formatCount(parameterCount)} params` : ops;
}

function topOpsLine(ops: { opType: string; count: number }[]): string {
  return ops.map((o) => `${o.opType} ×${o.count}`).join(' · ');
}

/** Groups value names by their pattern with digits masked, so `past_key_values.{0..39}.key` is one box. */
export function groupValueNames(names: readonly string[], max: number, noun: string): { label: string; names: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const template = name.replace(/\d+/g, '#');
    const list = groups.get(template);
    if (list) list.push(name);
    else groups.set(template, [name]);
  }
  const out: { label: string; names: string[] }[] = [];
  for (const [template, members] of groups) out.push({ label: members.length === 1 ? members[0]! : rangeLabel(template, members), names: members });
  if (out.length <= max) return out;
  const kept = out.slice(0, Math.max(0, max - 1));
  const rest = out.slice(kept.length).flatMap((g) => g.names);
  kept.push({ label: `${rest.length} more ${noun}`, names: rest });
  return kept;
}

function rangeLabel(template: string, members: string[]): string {
  const runs = members.map((m) => m.match(/\d+/g) ?? []);
  const pieces = template.split('#');
  let label = pieces[0]!;
  for (let k = 1; k < pieces.length; k++) {
    const values = runs.map((r) => r[k - 1] ?? '');
    const numbers = values.map(Number);
    const same = values.every((v) => v === values[0]);
    label += same ? values[0] : `{${Math.min(...numbers)}..${Math.max(...numbers)}}`;
    label += pieces[k];
  }
  return label;
}

function typeLine(type: ValueType | undefined): string | undefined {
  if (!type || (type.dtype === undefined && type.shape === undefined)) return undefined;
  const shape = type.shape ? `[${type.shape.join(',')}]` : '';
  return [shape, type.dtype ?? ''].filter(Boolean).join(' ');
}

/**
 * Builds the view of one scope level: its direct ops and child scopes as boxes (repeated blocks
 * folded), expanded scopes drawn in place as long as the whole stays within MAX_RENDERED boxes,
 * a large level cut into sections, and the tensors between boxes aggregated into edges.
 *
 * Cost: O(nodes and edges under the scope), plus the items of the level.
 */
export function buildView(tree: ScopeTree, scopeId = '', options: BuildViewOptions = {}): GraphView {
  const view = tree.byId.get(scopeId) ?? tree.root;
  const isRoot = view === tree.root;
  const nodes = tree.graph.nodes;
  const expanded = options.expanded ?? new Set<string>();
  const maxBoxes = Math.max(1, Math.min(MAX_SECTION_BOXES, Math.floor(options.maxBoxes ?? DEFAULT_MAX_BOXES)));
  const notices: string[] = [];
  if (view.id !== scopeId) notices.push('That scope is not in this graph; showing the top level.');
  const refused: string[] = [];

  // Sections: consecutive slices of the level's items.
  const items = levelItems(view);
  const sections: ViewSection[] = [];
  const sectionItems: Item[][] = [];
  for (let start = 0; start < Math.max(1, items.length); start += maxBoxes) {
    const slice = items.slice(start, start + maxBoxes);
    const id = `part-${sections.length + 1}`;
    const label =
      items.length <= maxBoxes
        ? 'all'
        : `${start + 1}–${start + slice.length} of ${items.length}: ${itemLabel(tree, slice[0]!)} … ${itemLabel(tree, slice[slice.length - 1]!)}`;
    sections.push({ id, label, boxIds: slice.map((item) => itemBoxId(tree, item)) });
    sectionItems.push(slice);
  }

  let focusIndex = options.focusNodeId === undefined ? undefined : tree.nodeIndexById.get(options.focusNodeId);
  let current = sections.findIndex((s) => s.id === options.sectionId);
  if (current < 0 && focusIndex !== undefined) {
    const topId = topItemBoxId(tree, view, focusIndex);
    if (topId === undefined) focusIndex = undefined;
    else current = sections.findIndex((s) => s.boxIds.includes(topId));
  }
  if (current < 0) current = 0;

  const assigned = new Map<Scope, string>();
  const nodeBox = new Map<number, string>();
  // The view's ancestors hold everything outside it.
  for (let s: Scope | undefined = view; s && s.parentId !== undefined; ) {
    s = tree.byId.get(s.parentId);
    if (s) assigned.set(s, OUTSIDE);
  }
  assigned.set(view, NONE);

  const assign = (item: Item, boxId: string) => {
    if (item.kind === 'op') nodeBox.set(item.index, boxId);
    else if (item.kind === 'scope') assigned.set(item.scope, boxId);
    else for (const instance of item.block.instances) assigned.set(instance, boxId);
  };
  sectionItems.forEach((slice, k) => {
    if (k !== current) for (const item of slice) assign(item, `stub:section:${sections[k]!.id}`);
  });

  // Inputs and outputs, at the top level only.
  const inputBox = new Map<string, string>();
  const outputBox = new Map<string, string>();
  const ioBoxes: ViewBox[] = [];
  if (isRoot) {
    for (const [kind, names, map] of [
      ['input', tree.graphInputs, inputBox],
      ['output', tree.graphOutputs, outputBox],
    ] as const) {
      for (const group of groupValueNames(names, MAX_IO_BOXES, `${kind}s`)) {
        const id = `${kind}:${group.names[0]!}`;
        const type = group.names.length === 1 ? typeLine(tree.valueTypes.get(group.names[0]!)) : undefined;
        const detail = group.names.length === 1 ? (type ? [type] : []) : [`×${group.names.length}`];
        ioBoxes.push({ id, kind, label: group.label, detail, valueNames: group.names });
        for (const name of group.names) map.set(name, id);
      }
    }
  }

  // Reserve room for the stubs this level could need, then spend the rest on expansions.
  const sectionStubs = Math.min(sections.length - 1, MAX_SECTION_STUBS);
  let used = sectionItems[current]!.length + ioBoxes.length + sectionStubs + 2;
  const boxes: ViewBox[] = [];
  const queue: { item: Item; parent?: string }[] = sectionItems[current]!.map((item) => ({ item }));

  const tryExpand = (key: string, label: string, children: number, extra: number): boolean => {
    if (!expanded.has(key)) return false;
    if (children > maxBoxes) {
      refused.push(key);
      notices.push(`${label} was left collapsed: its ${children} items are too many to draw in place. Open it instead.`);
      return false;
    }
    if (used + children + extra > MAX_RENDERED) {
      refused.push(key);
      notices.push(`${label} was left collapsed: expanding it would draw more than ${MAX_RENDERED} boxes. Collapse something else, or open it.`);
      return false;
    }
    used += children + extra;
    return true;
  };

  for (let q = 0; q < queue.length; q++) {
    const { item, parent } = queue[q]!;
    const id = itemBoxId(tree, item);
    const base = parent === undefined ? {} : { parent };
    if (item.kind === 'op') {
      const node = nodes[item.index]!;
      const short = shortName(node.name);
      const detail = short && short !== node.opType ? [short] : [];
      if (node.domain && node.domain !== 'ai.onnx') detail.push(node.domain);
      boxes.push({ id, kind: 'op', label: node.opType || '(no op type)', detail, ...base, nodeId: node.id, opType: node.opType, domain: node.domain, category: categoryOf(node.opType) });
      nodeBox.set(item.index, id);
    } else if (item.kind === 'scope') {
      const scope = item.scope;
      const children = levelItems(scope);
      const ops = topOps(scope, TOP_OPS_SHOWN);
      const box: ViewBox = {
        id,
        kind: 'scope',
        label: displayName(scope.name),
        detail: [countsLine(scope.nodeCount, scope.parameterCount), topOpsLine(ops)].filter(Boolean),
        ...base,
        scopeId: scope.id,
        nodeCount: scope.nodeCount,
        parameterCount: scope.parameterCount,
        topOps: ops,
      };
      boxes.push(box);
      if (tryExpand(scope.id, scope.name, children.length, 0)) {
        box.expanded = true;
        for (const child of children) queue.push({ item: child, parent: id });
      } else {
        assigned.set(scope, id);
      }
    } else {
      const block = item.block;
      const count = block.instances.length;
      const first = block.instances[0]!;
      const parameters = block.instances.reduce((sum, s) => sum + s.parameterCount, 0);
      const ops = topOps(first, TOP_OPS_SHOWN);
      const box: ViewBox = {
        id,
        kind: 'fold',
        label: `${block.label} ×${count}`,
        detail: [`${formatCount(first.nodeCount)} ops each${parameters > 0 ? ` · ${formatCount(parameters)} params in all` : ''}`, topOpsLine(ops)].filter(Boolean),
        ...base,
        foldId: block.id,
        instanceScopeIds: block.instances.map((s) => s.id),
        nodeCount: first.nodeCount,
        parameterCount: parameters,
        topOps: ops,
      };
      boxes.push(box);
      const asked = Math.trunc(options.instances?.get(block.id) ?? 0);
      const position = asked >= 0 && asked < count ? asked : 0;
      const shown = block.instances[position]!;
      const children = levelItems(shown);
      if (tryExpand(block.id, block.label, children.length, count > 1 ? 1 : 0)) {
        box.expanded = true;
        box.shownInstance = position;
        box.detail = [`showing ${shown.name} (${position + 1} of ${count})`];
        const restId = `stub:instances:${block.id}`;
        boxes.push({ id: restId, kind: 'stub', label: `${count - 1} other ${count - 1 === 1 ? 'instance' : 'instances'}`, detail: [], parent: id, stub: 'instances', foldId: block.id });
        for (const instance of block.instances) if (instance !== shown) assigned.set(instance, restId);
        for (const child of children) queue.push({ item: child, parent: id });
      } else {
        for (const instance of block.instances) assigned.set(instance, id);
      }
    }
  }

  const resolveScope = (scope: Scope): string => {
    const chain: Scope[] = [];
    let s: Scope | undefined = scope;
    let found = assigned.get(s);
    while (found === undefined) {
      chain.push(s);
      s = s.parentId === undefined ? undefined : tree.byId.get(s.parentId);
      if (!s) {
        found = OUTSIDE;
        break;
      }
      found = assigned.get(s);
    }
    for (const c of chain) assigned.set(c, found);
    return found;
  };
  const resolveNode = (index: number): string => nodeBox.get(index) ?? resolveScope(tree.scopeOfNode[index]!);

  // Aggregate: one edge per pair of boxes, counting distinct tensors.
  const pairs = new Map<string, Map<string, ViewEdge>>();
  const addEdge = (from: string, to: string, value: string) => {
    if (from === to || from === NONE || to === NONE) return;
    // Flow between two things not drawn (other sections, outside) is not this view's business.
    if (isFar(from) && isFar(to)) return;
    let row = pairs.get(from);
    if (!row) pairs.set(from, (row = new Map()));
    const edge = row.get(to);
    if (edge) {
      edge.count++;
      if (edge.tensorNames.length < MAX_EDGE_NAMES) edge.tensorNames.push(value);
    } else {
      row.set(to, { id: '', from, to, count: 1, tensorNames: [value] });
    }
  };

  const outputs = new Set(tree.graphOutputs);
  const boundary = new Map<string, string[]>();
  // Ends already linked for the value at hand; reused, since there is one per value.
  const seen: string[] = [];
  const scan = (index: number) => {
    const node = nodes[index]!;
    const here = resolveNode(index);
    for (const value of node.outputs) {
      if (!value || tree.producer.get(value) !== index) continue;
      let seenCount = 0;
      const link = (to: string) => {
        if (to === here) return;
        for (let k = 0; k < seenCount; k++) if (seen[k] === to) return;
        seen[seenCount++] = to;
        addEdge(here, to, value);
      };
      const consumers = tree.consumers.get(value);
      if (consumers) {
        for (const c of consumers) {
          const target = resolveNode(c);
          link(target === OUTSIDE ? OUT_STUB : target);
        }
      }
      if (outputs.has(value)) {
        const to = isRoot ? outputBox.get(value) : OUT_STUB;
        if (to !== undefined) link(to);
      }
    }
    for (const value of node.inputs) {
      if (!value || tree.initializerNames.has(value)) continue;
      const p = tree.producer.get(value);
      if (p !== undefined && resolveNode(p) !== OUTSIDE) continue; // Counted from its producer.
      const from = p === undefined && isRoot ? (inputBox.get(value) ?? IN_STUB) : IN_STUB;
      const linked = boundary.get(value);
      if (linked?.includes(here)) continue;
      if (linked) linked.push(here);
      else boundary.set(value, [here]);
      addEdge(from, here, value);
    }
  };
  if (isRoot) for (let i = 0; i < nodes.length; i++) scan(i);
  else forEachNodeIndex(view, scan);

  let edges: ViewEdge[] = [];
  for (const row of pairs.values()) for (const edge of row.values()) edges.push(edge);
  edges = capSectionStubs(edges);
  if (edges.length > MAX_DRAWN_EDGES) {
    const dropped = edges.length - MAX_DRAWN_EDGES;
    const keep = new Set([...edges].sort((a, b) => b.count - a.count).slice(0, MAX_DRAWN_EDGES));
    edges = edges.filter((e) => keep.has(e));
    notices.push(`${dropped} of the weakest connections were not drawn (at most ${MAX_DRAWN_EDGES} edges).`);
  }
  edges.forEach((edge, k) => {
    edge.id = `e${k}`;
    if (edge.count === 1) edge.tensor = { name: edge.tensorNames[0]!, ...tree.valueTypes.get(edge.tensorNames[0]!) };
  });

  // Stub boxes, for the ends of edges that leave what is drawn.
  const stubIds = new Set<string>();
  for (const edge of edges) {
    if (isFar(edge.from)) stubIds.add(edge.from);
    if (isFar(edge.to)) stubIds.add(edge.to);
  }
  const stubBoxes: ViewBox[] = [];
  for (const id of stubIds) stubBoxes.push(stubBox(id, view, sections));

  const all = [...ioBoxes.filter((b) => b.kind === 'input'), ...stubBoxes.filter((b) => b.stub === 'outside-in'), ...boxes, ...stubBoxes.filter((b) => b.stub !== 'outside-in'), ...ioBoxes.filter((b) => b.kind === 'output')];
  const sectionCount = sections.length;
  if (sectionCount > 1) notices.push(`This level has ${items.length} items, shown in ${sectionCount} parts of at most ${maxBoxes}.`);

  const fold = foldContaining(tree, view);
  const result: GraphView = {
    scopeId: view.id,
    title: displayName(view.name),
    breadcrumb: [{ scopeId: '', label: tree.root.name }, ...scopePath(tree, view).map((id) => ({ scopeId: id, label: tree.byId.get(id)!.name }))],
    boxes: all,
    edges,
    sections,
    sectionId: sections[current]!.id,
    renderedCount: all.length,
    nodeCount: view.nodeCount,
    refused,
    notices,
  };
  if (fold) {
    result.instanceOf = {
      foldId: fold.block.id,
      label: fold.block.label,
      position: fold.position,
      count: fold.block.instances.length,
      instanceScopeIds: fold.block.instances.map((s) => s.id),
    };
  }
  if (focusIndex !== undefined) {
    const box = resolveNode(focusIndex);
    if (box !== OUTSIDE && box !== NONE) result.focusBoxId = box;
  }
  return result;
}

/** Calls `visit` with the index of every node under a scope. */
function forEachNodeIndex(scope: Scope, visit: (index: number) => void): void {
  const stack = [scope];
  while (stack.length > 0) {
    const s = stack.pop()!;
    for (const index of s.nodeIndices) visit(index);
    for (const child of s.children) stack.push(child);
  }
}

/** The box id of the item of `view`'s level that holds a node; undefined when the node is not under `view`. */
function topItemBoxId(tree: ScopeTree, view: Scope, index: number): string | undefined {
  let scope: Scope | undefined = tree.scopeOfNode[index];
  if (scope === view) return `node:${tree.graph.nodes[index]!.id}`;
  while (scope && scope.parentId !== view.id) scope = scope.parentId === undefined ? undefined : tree.byId.get(scope.parentId);
  if (!scope || view.children.indexOf(scope) < 0) return undefined;
  const fold = foldContaining(tree, scope);
  return fold ? `fold:${fold.block.id}` : `scope:${scope.id}`;
}

/** Keeps the MAX_SECTION_STUBS most connected section stubs; the others merge into one. */
function capSectionStubs(edges: ViewEdge[]): ViewEdge[] {
  const weight = new Map<string, number>();
  for (const edge of edges) {
    for (const end of [edge.from, edge.to]) if (end.startsWith('stub:section:')) weight.set(end, (weight.get(end) ?? 0) + edge.count);
  }
  if (weight.size <= MAX_SECTION_STUBS) return edges;
  const keep = new Set([...weight].sort((a, b) => b[1] - a[1]).slice(0, MAX_SECTION_STUBS - 1).map(([id]) => id));
  const remap = (end: string) => (end.startsWith('stub:section:') && !keep.has(end) ? MORE_SECTIONS_STUB : end);
  const merged = new Map<string, ViewEdge>();
  const out: ViewEdge[] = [];
  for (const edge of edges) {
    const from = remap(edge.from);
    const to = remap(edge.to);
    const key = JSON.stringify([from, to]);
    const existing = merged.get(key);
    if (existing) {
      existing.count += edge.count;
      for (const name of edge.tensorNames) if (existing.tensorNames.length < MAX_EDGE_NAMES) existing.tensorNames.push(name);
    } else {
      const copy = { ...edge, from, to, tensorNames: [...edge.tensorNames] };
      merged.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}

function stubBox(id: string, view: Scope, sections: ViewSection[]): ViewBox {
  if (id === IN_STUB) return { id, kind: 'stub', label: 'from outside', detail: view.id === '' ? [] : [view.name], stub: 'outside-in' };
  if (id === OUT_STUB) return { id, kind: 'stub', label: 'to outside', detail: view.id === '' ? [] : [view.name], stub: 'outside-out' };
  if (id === MORE_SECTIONS_STUB) return { id, kind: 'stub', label: 'other parts', detail: [], stub: 'sections' };
  const sectionId = id.slice('stub:section:'.length);
  const index = sections.findIndex((s) => s.id === sectionId);
  const section = sections[index];
  return { id, kind: 'stub', label: `part ${index + 1}`, detail: section ? [section.label] : [], stub: 'section', sectionId };
}

/** Items a first view aims for when it opens scopes by itself. */
export const FIRST_VIEW_TARGET = 40;

/**
 * Scopes worth expanding in a first view: while the level stays under `target` boxes, open the
 * scope boxes (never folded blocks) breadth-first, largest first. With Optimum's exports, the top
 * level is `model` and `lm_head`: this opens `model`, showing embed_tokens, layers ×N and norm.
 */
export function defaultExpanded(tree: ScopeTree, scopeId = '', target = FIRST_VIEW_TARGET): Set<string> {
  const view = tree.byId.get(scopeId) ?? tree.root;
  const expanded = new Set<string>();
  let count = levelItems(view).length;
  if (count > target) return expanded;
  let frontier = levelItems(view);
  while (frontier.length > 0) {
    const scopes = frontier.filter((item): item is { kind: 'scope'; scope: Scope } => item.kind === 'scope');
    scopes.sort((a, b) => b.scope.nodeCount - a.scope.nodeCount);
    const next: Item[] = [];
    for (const { scope } of scopes) {
      const children = levelItems(scope);
      if (count + children.length > target) continue; // The box stays, as the container.
      count += children.length;
      expanded.add(scope.id);
      next.push(...children);
    }
    frontier = next;
  }
  return expanded;
}
