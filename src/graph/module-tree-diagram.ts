import { formatCount } from '../model/units';
import { hashText } from './hash-text';
import { MIN_FOLD_RUN, parseIndexedName } from './fold-repeated-blocks';
import type { ModuleNode } from './module-tree';
import { CATEGORY_COLORS, KIND_COLORS, type DiagramTheme } from './op-category';
import { mermaidLabel } from './to-mermaid';

/** Items drawn at most under the module; the rest are counted in one last box. */
export const MODULE_DIAGRAM_MAX_BOXES = 60;

/** One level of a checkpoint's module tree as mermaid text. */
export interface ModuleTreeDiagram {
  /** `flowchart TB` text: the module at the top, an edge to each child (repeated ones folded). */
  text: string;
  /** The module drawn (dotted path; `''` for the whole checkpoint). */
  path: string;
  /** Generated mermaid id → module path to open on click (the first instance, for a fold; the parent, for the top box). */
  idToPath: Map<string, string>;
  /** Generated mermaid id of a folded box → the paths of all its instances. */
  foldInstances: Map<string, string[]>;
  /** Boxes drawn. */
  boxCount: number;
  /** Sentences for the user, e.g. how many children were left out. */
  notices: string[];
}

/** How to draw. */
export interface ModuleTreeDiagramOptions {
  /** Child boxes at most (MODULE_DIAGRAM_MAX_BOXES). */
  maxBoxes?: number;
  theme?: DiagramTheme;
}

type ModuleItem = { kind: 'module'; node: ModuleNode; label: string } | { kind: 'fold'; label: string; instances: ModuleNode[] };

const signatures = new WeakMap<ModuleNode, string>();

/** Structure of a module: child names, tensor sizes, recursively. Bottom-up without recursion, memoized. */
function moduleSignature(top: ModuleNode): string {
  const known = signatures.get(top);
  if (known !== undefined) return known;
  const order: ModuleNode[] = [];
  const stack = [top];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (signatures.has(node)) continue;
    order.push(node);
    for (const child of node.children) stack.push(child);
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    let content = node.isTensor ? `t${node.parameters}\u0002` : 'm\u0002';
    for (const child of node.children) content += `${child.name}\u0001${signatures.get(child)}\u0002`;
    signatures.set(node, hashText(content));
  }
  return signatures.get(top)!;
}

/** A module with a single child module is shown merged with it (`model.decoder`), like scope chains. */
function collapseChain(node: ModuleNode): { node: ModuleNode; label: string } {
  let label = node.name;
  let current = node;
  while (current.children.length === 1 && !current.children[0]!.isTensor) {
    current = current.children[0]!;
    label += `.${current.name}`;
  }
  return { node: current, label };
}

/** The children of a module, with runs of identical numbered siblings folded (`layers.{0..31}` ×32). */
function moduleItems(parent: ModuleNode): ModuleItem[] {
  const items: ModuleItem[] = [];
  const children = parent.children;
  let i = 0;
  while (i < children.length) {
    const first = children[i]!;
    const parsed = first.isTensor ? undefined : parseIndexedName(first.name);
    let end = i + 1;
    if (parsed) {
      let previous = parsed.index;
      while (end < children.length) {
        const next = children[end]!;
        const p = next.isTensor ? undefined : parseIndexedName(next.name);
        if (!p || p.prefix !== parsed.prefix || p.rest !== parsed.rest || p.index !== previous + 1 || moduleSignature(next) !== moduleSignature(first)) break;
        previous = p.index;
        end++;
      }
    }
    if (parsed && end - i >= MIN_FOLD_RUN) {
      const last = parseIndexedName(children[end - 1]!.name)!;
      // Bare numbers (`layers.0`) read better with the parent's name in front.
      const head = parsed.prefix === '' ? `${parent.name || 'modules'}.` : parsed.prefix;
      items.push({ kind: 'fold', label: `${head}{${parsed.digits}..${last.digits}}${parsed.rest}`, instances: children.slice(i, end) });
      i = end;
    } else {
      const { node, label } = first.isTensor ? { node: first, label: first.name } : collapseChain(first);
      items.push({ kind: 'module', node, label });
      i++;
    }
  }
  return items;
}

function findModule(root: ModuleNode, path: string): ModuleNode | undefined {
  if (path === '') return root;
  let node: ModuleNode | undefined = root;
  let walked = '';
  // Names hold no dots, so a path's segments are its dotted parts.
  for (const segment of path.split('.')) {
    walked = walked === '' ? segment : `${walked}.${segment}`;
    node = node.children.find((c) => c.path === walked);
    if (!node) return undefined;
  }
  return node;
}

function tensors(count: number): string {
  return `${count} ${count === 1 ? 'tensor' : 'tensors'}`;
}

function parentPath(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

/**
 * One level of the module tree: the module at `path` on top, and its children below it, each
 * with its parameter count; runs of identical numbered children fold into one box ×K; single-child
 * chains are merged. Labels are escaped as in to-mermaid; ids are generated.
 */
export function moduleTreeDiagram(root: ModuleNode, path = '', options: ModuleTreeDiagramOptions = {}): ModuleTreeDiagram {
  const theme = options.theme ?? 'light';
  const maxBoxes = Math.max(2, Math.min(MODULE_DIAGRAM_MAX_BOXES, Math.floor(options.maxBoxes ?? MODULE_DIAGRAM_MAX_BOXES)));
  const module = findModule(root, path) ?? root;
  const notices: string[] = [];
  if (module === root && path !== '') notices.push('That module was not found; showing the whole checkpoint.');

  const idToPath = new Map<string, string>();
  const foldInstances = new Map<string, string[]>();
  const lines = ['flowchart TB'];
  const classes: Record<'k_scope' | 'k_fold' | 'k_tensor' | 'k_stub', string[]> = { k_scope: [], k_fold: [], k_tensor: [], k_stub: [] };

  const top = 'n0';
  idToPath.set(top, module === root ? '' : parentPath(module.path));
  lines.push(`  ${top}[${mermaidLabel([module.path || 'all modules', `${formatCount(module.parameters)} params · ${tensors(module.tensorCount)}`])}]`);
  classes.k_scope.push(top);

  const items = moduleItems(module);
  const shown = items.length > maxBoxes ? items.slice(0, maxBoxes - 1) : items;
  let counter = 1;
  for (const item of shown) {
    const id = `n${counter++}`;
    if (item.kind === 'fold') {
      const first = item.instances[0]!;
      const total = item.instances.reduce((sum, m) => sum + m.parameters, 0);
      lines.push(
        `  ${id}[[${mermaidLabel([`${item.label} ×${item.instances.length}`, `${formatCount(first.parameters)} params each · ${formatCount(total)} in all`])}]]`,
      );
      idToPath.set(id, first.path);
      foldInstances.set(
        id,
        item.instances.map((m) => m.path),
      );
      classes.k_fold.push(id);
    } else if (item.node.isTensor) {
      lines.push(`  ${id}(${mermaidLabel([item.label, `${formatCount(item.node.parameters)} params`])})`);
      idToPath.set(id, item.node.path);
      classes.k_tensor.push(id);
    } else {
      const detail = [`${formatCount(item.node.parameters)} params · ${tensors(item.node.tensorCount)}`];
      const inner = moduleItems(item.node);
      // Say what repeats inside (`32 × layers.{0..31}`), the largest run, before anyone opens it.
      let largest: (ModuleItem & { kind: 'fold' }) | undefined;
      for (const c of inner) if (c.kind === 'fold' && (!largest || c.instances.length > largest.instances.length)) largest = c;
      if (largest) detail.push(`${largest.instances.length} × ${largest.label}${inner.length > 1 ? ` + ${inner.length - 1} more` : ''}`);
      lines.push(`  ${id}[${mermaidLabel([item.label, ...detail])}]`);
      idToPath.set(id, item.node.path);
      classes.k_scope.push(id);
    }
    lines.push(`  ${top} --> ${id}`);
  }
  if (shown.length < items.length) {
    const id = `n${counter++}`;
    const rest = items.length - shown.length;
    lines.push(`  ${id}{{${mermaidLabel([`${rest} more`])}}}`);
    lines.push(`  ${top} -.-> ${id}`);
    classes.k_stub.push(id);
    notices.push(`${rest} of ${items.length} children are not drawn.`);
  }

  const kinds = KIND_COLORS[theme];
  const styles: Record<keyof typeof classes, { fill: string; stroke: string; color: string }> = {
    k_scope: kinds.scope,
    k_fold: kinds.fold,
    k_tensor: CATEGORY_COLORS[theme].other,
    k_stub: kinds.stub,
  };
  for (const [name, ids] of Object.entries(classes) as [keyof typeof classes, string[]][]) {
    if (ids.length === 0) continue;
    const c = styles[name];
    lines.push(`  classDef ${name} fill:${c.fill},stroke:${c.stroke},color:${c.color}`);
    lines.push(`  class ${ids.join(',')} ${name}`);
  }
  return { text: `${lines.join('\n')}\n`, path: module.path, idToPath, foldInstances, boxCount: counter, notices };
}
