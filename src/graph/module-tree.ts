/** The module tree of a checkpoint, from dotted tensor names (`model.layers.3.self_attn.q_proj.weight`). */

export interface ModuleNode {
  /** The last segment (`q_proj`); empty for the root. */
  name: string;
  /** The dotted path from the root (`model.layers.3.self_attn.q_proj`); empty for the root. */
  path: string;
  /** Elements of every tensor under this module. */
  parameters: number;
  /** Tensors under this module, at any depth. */
  tensorCount: number;
  /** Child modules in first-seen order. Tensors themselves are leaves with no children. */
  children: ModuleNode[];
  /** True for a tensor (the last segment of a name). */
  isTensor: boolean;
}

interface Named {
  name: string;
  elements: number;
}

/** Builds the tree in one pass; each name is split once. O(total segments). */
export function buildModuleTree(tensors: readonly Named[]): ModuleNode {
  const root: ModuleNode = { name: '', path: '', parameters: 0, tensorCount: 0, children: [], isTensor: false };
  const index = new Map<string, ModuleNode>([['', root]]);
  for (const tensor of tensors) {
    const parts = tensor.name.split('.');
    let node = root;
    node.parameters += tensor.elements;
    node.tensorCount++;
    let path = '';
    for (let i = 0; i < parts.length; i++) {
      path = i === 0 ? parts[0]! : `${path}.${parts[i]}`;
      let child = index.get(path);
      if (!child) {
        child = { name: parts[i]!, path, parameters: 0, tensorCount: 0, children: [], isTensor: i === parts.length - 1 };
        index.set(path, child);
        node.children.push(child);
      } else if (i < parts.length - 1) {
        // A name that is both a tensor and a module prefix (`a.b` and `a.b.c`) is a module.
        child.isTensor = false;
      }
      child.parameters += tensor.elements;
      child.tensorCount++;
      node = child;
    }
  }
  return root;
}

/** The modules at a given depth (1 = top-level), with their totals, in first-seen order. */
export function modulesAtDepth(root: ModuleNode, depth: number): ModuleNode[] {
  let level = [root];
  for (let d = 0; d < depth; d++) {
    const next: ModuleNode[] = [];
    for (const node of level) {
      // A tensor shallower than the depth stays visible as itself.
      if (node.children.length === 0 && node !== root) next.push(node);
      else for (const child of node.children) next.push(child);
    }
    level = next;
  }
  return level;
}

/** How deep the tree goes (a tensor's depth counts its own segment). */
export function treeDepth(root: ModuleNode): number {
  let max = 0;
  const stack: [ModuleNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of node.children) stack.push([child, depth + 1]);
  }
  return max;
}
