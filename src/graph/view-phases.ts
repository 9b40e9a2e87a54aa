import { scopePath, topOps, type Scope, type ScopeTree, type ValueType } from './build-scope-tree';
import { foldContaining } from './fold-repeated-blocks';
import { formatCount } from '../model/units';
import type { GraphView, ViewBox, ViewEdge, ViewSection } from './graph-view';
import { groupValueNames } from './group-value-names';
import { displayName, itemBoxId, itemLabel, levelItems, type LevelItem } from './level-items';
import { categoryOf } from './op-category';
import { NONE, OUTSIDE, resolveNodeBox, type ViewContext } from './view-context';
import { MAX_DRAWN_EDGES, MAX_IO_BOXES, MAX_RENDERED, MAX_SECTION_STUBS, TOP_OPS_SHOWN } from './view-limits';

// The phases of buildView, in the order it runs them. Each reads and fills the ViewContext fields its comment names.

const IN_STUB = 'stub:outside-in';
const OUT_STUB = 'stub:outside-out';
const MORE_SECTIONS_STUB = 'stub:sections';
const MAX_EDGE_NAMES = 8;

/** Cuts the level's items into consecutive sections of at most `maxBoxes`. Fills items, sections, sectionItems. */
export function splitSections(context: ViewContext): void {
  const { tree, maxBoxes } = context;
  const items = levelItems(context.view, context.fold);
  context.items = items;
  for (let start = 0; start < Math.max(1, items.length); start += maxBoxes) {
    const slice = items.slice(start, start + maxBoxes);
    const id = `part-${context.sections.length + 1}`;
    const label =
      items.length <= maxBoxes
        ? 'all'
        : `${start + 1}–${start + slice.length} of ${items.length}: ${itemLabel(tree, slice[0]!)} … ${itemLabel(tree, slice[slice.length - 1]!)}`;
    context.sections.push({ id, label, boxIds: slice.map((item) => itemBoxId(tree, item)) });
    context.sectionItems.push(slice);
  }
}

/** Picks the section to draw: the one asked for, else the focused node's, else the first. Fills current and focusIndex. */
export function pickSection(context: ViewContext): void {
  const { tree, view, sections, options } = context;
  let focusIndex = options.focusNodeId === undefined ? undefined : tree.nodeIndexById.get(options.focusNodeId);
  // A folded constant is shown on its first consumer.
  const folded = focusIndex === undefined ? undefined : tree.graph.nodes[focusIndex]!.outputs[0];
  if (folded !== undefined && tree.foldedConstants.get(folded) === focusIndex) focusIndex = tree.consumers.get(folded)?.[0];
  let current = sections.findIndex((s) => s.id === options.sectionId);
  if (current < 0 && focusIndex !== undefined) {
    const topId = topItemBoxId(tree, view, focusIndex, context.fold);
    if (topId === undefined) focusIndex = undefined;
    else current = sections.findIndex((s) => s.boxIds.includes(topId));
  }
  context.current = current < 0 ? 0 : current;
  context.focusIndex = focusIndex;
}

/**
 * Assigns what is not drawn in place: the view's ancestors hold everything outside it, the view
 * itself is NONE, and the items of the other sections go to their section's stub.
 */
export function assignOffView(context: ViewContext): void {
  const { tree, view, assigned, nodeBox, sections } = context;
  for (let s: Scope | undefined = view; s && s.parentId !== undefined;) {
    s = tree.byId.get(s.parentId);
    if (s) assigned.set(s, OUTSIDE);
  }
  assigned.set(view, NONE);
  context.sectionItems.forEach((slice, k) => {
    if (k === context.current) return;
    const boxId = `stub:section:${sections[k]!.id}`;
    for (const item of slice) {
      if (item.kind === 'op') nodeBox.set(item.index, boxId);
      else if (item.kind === 'scope') assigned.set(item.scope, boxId);
      else for (const instance of item.block.instances) assigned.set(instance, boxId);
    }
  });
}

/** Boxes for the graph's inputs and outputs, grouped by name pattern; at the top level only. Fills ioBoxes, inputBox, outputBox. */
export function placeIoBoxes(context: ViewContext): void {
  const { tree } = context;
  if (!context.isRoot) return;
  for (const [kind, names, map] of [
    ['input', tree.graphInputs, context.inputBox],
    ['output', tree.graphOutputs, context.outputBox],
  ] as const) {
    for (const group of groupValueNames(names, MAX_IO_BOXES, `${kind}s`)) {
      const id = `${kind}:${group.names[0]!}`;
      const type = group.names.length === 1 ? typeLine(tree.valueTypes.get(group.names[0]!)) : undefined;
      const detail = group.names.length === 1 ? (type ? [type] : []) : [`×${group.names.length}`];
      context.ioBoxes.push({ id, kind, label: group.label, detail, valueNames: group.names });
      for (const name of group.names) map.set(name, id);
    }
  }
}

/**
 * Boxes for the section's items, breadth-first. Room is reserved for the stubs the level could
 * need; the rest of MAX_RENDERED is spent on the expansions asked for, in order, and the ones
 * that do not fit are refused with a notice. Fills boxes, used, refused, and assigns collapsed
 * scopes and folds to their box.
 */
export function placeLevelBoxes(context: ViewContext): void {
  const { tree, expanded, maxBoxes, refused, notices, assigned, nodeBox, boxes } = context;
  const nodes = tree.graph.nodes;
  const sectionStubs = Math.min(context.sections.length - 1, MAX_SECTION_STUBS);
  const sectionItems = context.sectionItems[context.current]!;
  context.used = sectionItems.length + context.ioBoxes.length + sectionStubs + 2;
  const queue: { item: LevelItem; parent?: string }[] = sectionItems.map((item) => ({ item }));

  const tryExpand = (key: string, label: string, children: number, extra: number): boolean => {
    if (!expanded.has(key)) return false;
    if (children > maxBoxes) {
      refused.push(key);
      notices.push(`${label} was left collapsed: its ${children} items are too many to draw in place. Open it instead.`);
      return false;
    }
    if (context.used + children + extra > MAX_RENDERED) {
      refused.push(key);
      notices.push(`${label} was left collapsed: expanding it would draw more than ${MAX_RENDERED} boxes. Collapse something else, or open it.`);
      return false;
    }
    context.used += children + extra;
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
      const constants = node.inputs.filter((input) => tree.foldedConstants.has(input)).length;
      if (constants > 0) detail.push(`◆ ${constants} ${constants === 1 ? 'constant' : 'constants'}`);
      const box: ViewBox = {
        id,
        kind: 'op',
        label: node.opType || '(no op type)',
        detail,
        ...base,
        nodeId: node.id,
        opType: node.opType,
        domain: node.domain,
        category: categoryOf(node.opType),
      };
      if (constants > 0) box.constantInputs = constants;
      boxes.push(box);
      nodeBox.set(item.index, id);
    } else if (item.kind === 'scope') {
      const scope = item.scope;
      const children = levelItems(scope, context.fold);
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
      if (children.length > maxBoxes) box.opensInPlace = false;
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
        detail: [`${formatCount(first.nodeCount)} ops each${parameters > 0 ? ` · ${formatCount(parameters)} params in all` : ''}`, topOpsLine(ops)].filter(
          Boolean,
        ),
        ...base,
        foldId: block.id,
        instanceScopeIds: block.instances.map((s) => s.id),
        nodeCount: first.nodeCount,
        parameterCount: parameters,
        topOps: ops,
      };
      boxes.push(box);
      const asked = Math.trunc(context.options.instances?.get(block.id) ?? 0);
      const position = asked >= 0 && asked < count ? asked : 0;
      const shown = block.instances[position]!;
      const children = levelItems(shown);
      if (children.length > maxBoxes) box.opensInPlace = false;
      if (tryExpand(block.id, block.label, children.length, count > 1 ? 1 : 0)) {
        box.expanded = true;
        box.shownInstance = position;
        box.detail = [`showing ${shown.name} (${position + 1} of ${count})`];
        const restId = `stub:instances:${block.id}`;
        boxes.push({
          id: restId,
          kind: 'stub',
          label: `${count - 1} other ${count - 1 === 1 ? 'instance' : 'instances'}`,
          detail: [],
          parent: id,
          stub: 'instances',
          foldId: block.id,
        });
        for (const instance of block.instances) if (instance !== shown) assigned.set(instance, restId);
        for (const child of children) queue.push({ item: child, parent: id });
      } else {
        for (const instance of block.instances) assigned.set(instance, id);
      }
    }
  }
}

/**
 * One edge per pair of boxes, counting the distinct tensors that flow between them. Each tensor
 * is counted from its producer when that is under the view, else where it enters. Flow between
 * two things not drawn is left out. Fills edges (ids not yet set).
 */
export function aggregateEdges(context: ViewContext): void {
  const { tree, view, isRoot, inputBox, outputBox } = context;
  const nodes = tree.graph.nodes;
  const pairs = new Map<string, Map<string, ViewEdge>>();
  const addEdge = (from: string, to: string, value: string) => {
    if (from === to || from === NONE || to === NONE) return;
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
    if (tree.foldedConstants.get(node.outputs[0] ?? '') === index) return; // Drawn on its consumers.
    const here = resolveNodeBox(context, index);
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
          const target = resolveNodeBox(context, c);
          link(target === OUTSIDE ? OUT_STUB : target);
        }
      }
      if (outputs.has(value)) {
        const to = isRoot ? outputBox.get(value) : OUT_STUB;
        if (to !== undefined) link(to);
      }
    }
    for (const value of node.inputs) {
      if (!value || tree.initializerNames.has(value) || tree.foldedConstants.has(value)) continue;
      const p = tree.producer.get(value);
      if (p !== undefined && resolveNodeBox(context, p) !== OUTSIDE) continue; // Counted from its producer.
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

  const edges: ViewEdge[] = [];
  for (const row of pairs.values()) for (const edge of row.values()) edges.push(edge);
  context.edges = edges;
}

/**
 * Keeps what mermaid can draw: the MAX_SECTION_STUBS most connected section stubs (the others
 * merge into one), then the MAX_DRAWN_EDGES strongest edges, with a notice. Then numbers the
 * edges and types the single-tensor ones. Rewrites edges.
 */
export function capEdges(context: ViewContext): void {
  let edges = capSectionStubs(context.edges);
  if (edges.length > MAX_DRAWN_EDGES) {
    const dropped = edges.length - MAX_DRAWN_EDGES;
    const keep = new Set([...edges].sort((a, b) => b.count - a.count).slice(0, MAX_DRAWN_EDGES));
    edges = edges.filter((e) => keep.has(e));
    context.notices.push(`${dropped} of the weakest connections were not drawn (at most ${MAX_DRAWN_EDGES} edges).`);
  }
  edges.forEach((edge, k) => {
    edge.id = `e${k}`;
    if (edge.count === 1) edge.tensor = { name: edge.tensorNames[0]!, ...context.tree.valueTypes.get(edge.tensorNames[0]!) };
  });
  context.edges = edges;
}

/** Stub boxes for the ends of edges that leave what is drawn, in the order the edges name them. Fills stubBoxes. */
export function placeStubBoxes(context: ViewContext): void {
  const stubIds = new Set<string>();
  for (const edge of context.edges) {
    if (isFar(edge.from)) stubIds.add(edge.from);
    if (isFar(edge.to)) stubIds.add(edge.to);
  }
  context.stubBoxes = [...stubIds].map((id) => stubBox(id, context.view, context.sections));
}

/**
 * The finished view: inputs and incoming stubs first, then the level's boxes, the other stubs and
 * the outputs; the breadcrumb, the block the scope is an instance of, and the focused node's box.
 */
export function assembleView(context: ViewContext): GraphView {
  const { tree, view, sections, ioBoxes, stubBoxes, notices } = context;
  const all = [
    ...ioBoxes.filter((b) => b.kind === 'input'),
    ...stubBoxes.filter((b) => b.stub === 'outside-in'),
    ...context.boxes,
    ...stubBoxes.filter((b) => b.stub !== 'outside-in'),
    ...ioBoxes.filter((b) => b.kind === 'output'),
  ];
  if (sections.length > 1) notices.push(`This level has ${context.items.length} items, shown in ${sections.length} parts of at most ${context.maxBoxes}.`);

  const fold = foldContaining(tree, view);
  const result: GraphView = {
    scopeId: view.id,
    title: displayName(view.name),
    breadcrumb: [{ scopeId: '', label: tree.root.name }, ...scopePath(tree, view).map((id) => ({ scopeId: id, label: tree.byId.get(id)!.name }))],
    boxes: all,
    edges: context.edges,
    sections,
    sectionId: sections[context.current]!.id,
    renderedCount: all.length,
    nodeCount: view.nodeCount,
    refused: context.refused,
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
  if (context.focusIndex !== undefined) {
    const box = resolveNodeBox(context, context.focusIndex);
    if (box !== OUTSIDE && box !== NONE) result.focusBoxId = box;
  }
  return result;
}

/** A stub for something not drawn: outside the scope, or in another section (a fold's instances stub is drawn). */
function isFar(boxId: string): boolean {
  return boxId.startsWith('stub:') && !boxId.startsWith('stub:instances:');
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

function typeLine(type: ValueType | undefined): string | undefined {
  if (!type || (type.dtype === undefined && type.shape === undefined)) return undefined;
  const shape = type.shape ? `[${type.shape.join(',')}]` : '';
  return [shape, type.dtype ?? ''].filter(Boolean).join(' ');
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
function topItemBoxId(tree: ScopeTree, view: Scope, index: number, fold: boolean): string | undefined {
  let scope: Scope | undefined = tree.scopeOfNode[index];
  if (scope === view) return `node:${tree.graph.nodes[index]!.id}`;
  while (scope && scope.parentId !== view.id) scope = scope.parentId === undefined ? undefined : tree.byId.get(scope.parentId);
  if (!scope || view.children.indexOf(scope) < 0) return undefined;
  const block = fold ? foldContaining(tree, scope) : undefined;
  return block ? `fold:${block.block.id}` : `scope:${scope.id}`;
}

/** Keeps the MAX_SECTION_STUBS most connected section stubs; the others merge into one. */
function capSectionStubs(edges: ViewEdge[]): ViewEdge[] {
  const weight = new Map<string, number>();
  for (const edge of edges) {
    for (const end of [edge.from, edge.to]) if (end.startsWith('stub:section:')) weight.set(end, (weight.get(end) ?? 0) + edge.count);
  }
  if (weight.size <= MAX_SECTION_STUBS) return edges;
  const keep = new Set(
    [...weight]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_SECTION_STUBS - 1)
      .map(([id]) => id),
  );
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
