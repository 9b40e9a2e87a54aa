import type { ConfigFacts, ConfigFamily } from '../model/config-facts';
import { formatInteger } from '../model/units';
import { CATEGORY_COLORS, KIND_COLORS, type DiagramTheme, type OpCategory } from './op-category';
import { mermaidLabel } from './to-mermaid';

/** A config's architecture as a small mermaid flowchart. */
export interface ArchitectureDiagram {
  /** `flowchart TB` text; every label quoted and escaped. */
  text: string;
  /** The architecture's name (first of `architectures`, else `model_type`), unescaped. */
  title: string;
  /** Whether the stack is a decoder (causal LM) or an encoder (BERT). */
  kind: 'decoder' | 'encoder';
}

interface FamilyTraits {
  kind: 'decoder' | 'encoder';
  norm: string;
  mlp: string;
  /** Gated MLPs have three projections (gate and up to the MLP width, down back); plain ones two. */
  gated: boolean;
  positions: 'rotary' | 'learned';
  note?: string;
}

const TRAITS: Record<ConfigFamily, FamilyTraits> = {
  llama: { kind: 'decoder', norm: 'RMSNorm', mlp: 'SwiGLU', gated: true, positions: 'rotary' },
  mistral: { kind: 'decoder', norm: 'RMSNorm', mlp: 'SwiGLU', gated: true, positions: 'rotary' },
  mixtral: { kind: 'decoder', norm: 'RMSNorm', mlp: 'SwiGLU', gated: true, positions: 'rotary' },
  qwen2: { kind: 'decoder', norm: 'RMSNorm', mlp: 'SwiGLU', gated: true, positions: 'rotary' },
  qwen2_moe: { kind: 'decoder', norm: 'RMSNorm', mlp: 'SwiGLU', gated: true, positions: 'rotary', note: 'plus a shared expert' },
  phi3: { kind: 'decoder', norm: 'RMSNorm', mlp: 'SwiGLU', gated: true, positions: 'rotary' },
  gemma: { kind: 'decoder', norm: 'RMSNorm', mlp: 'GeGLU', gated: true, positions: 'rotary' },
  gemma2: { kind: 'decoder', norm: 'RMSNorm', mlp: 'GeGLU', gated: true, positions: 'rotary', note: 'alternating sliding-window and global layers' },
  gpt2: { kind: 'decoder', norm: 'LayerNorm', mlp: 'GELU', gated: false, positions: 'learned' },
  bert: { kind: 'encoder', norm: 'LayerNorm', mlp: 'GELU', gated: false, positions: 'learned' },
};

function n(value: number | undefined): string {
  return value === undefined ? '?' : formatInteger(value);
}

/**
 * The architecture a config describes, for the families Loupe knows (ConfigFamily): embedding,
 * N × (attention with its heads and KV heads, MLP with its width, experts when MoE), final norm,
 * and the LM head (or BERT's pooler). Undefined for an unknown family. Missing numbers show as `?`.
 */
export function architectureDiagram(facts: ConfigFacts, options: { theme?: DiagramTheme } = {}): ArchitectureDiagram | undefined {
  if (!facts.family) return undefined;
  const traits = TRAITS[facts.family];
  const theme = options.theme ?? 'light';
  const title = facts.architectures[0] ?? facts.modelType ?? facts.family;
  const hidden = n(facts.hiddenSize);

  const boxes: { id: string; lines: string[]; category: OpCategory | 'io' }[] = [];
  const inside = new Set<string>();
  const add = (lines: string[], category: OpCategory | 'io', inBlock = false) => {
    const id = `n${boxes.length}`;
    boxes.push({ id, lines, category });
    if (inBlock) inside.add(id);
    return id;
  };

  const chain: string[] = [];
  if (traits.kind === 'encoder') {
    chain.push(add(['Embeddings', `word ${n(facts.vocabSize)} × ${hidden}`, `+ position (${n(facts.maxPositions)}) + token type, ${traits.norm}`], 'shape'));
  } else {
    chain.push(add(['Token embedding', `${n(facts.vocabSize)} × ${hidden}`], 'shape'));
    if (traits.positions === 'learned') chain.push(add(['+ position embedding', `${n(facts.maxPositions)} × ${hidden}`], 'shape'));
  }

  const heads = [`${n(facts.numHeads)} heads`];
  if (facts.numKvHeads !== undefined && facts.numHeads !== undefined && facts.numKvHeads !== facts.numHeads) {
    heads.push(facts.numKvHeads === 1 ? '1 KV head (multi-query)' : `${n(facts.numKvHeads)} KV heads (grouped-query)`);
  }
  const attention = [traits.kind === 'encoder' ? 'Self-attention' : 'Causal self-attention', heads.join(' · ')];
  const extra = [facts.headDim === undefined ? '' : `head dim ${n(facts.headDim)}`, traits.positions === 'rotary' ? 'rotary positions' : ''];
  if (extra.some(Boolean)) attention.push(extra.filter(Boolean).join(' · '));

  const width = n(facts.intermediateSize);
  const mlpShape = traits.gated ? `gate, up ${hidden} → ${width} · down → ${hidden}` : `${hidden} → ${width} → ${hidden}`;
  const block: string[] = [];
  if (traits.kind === 'decoder') block.push(add([traits.norm], 'normalization', true));
  block.push(add(attention, 'matmul', true));
  block.push(add([traits.kind === 'encoder' ? `Add & ${traits.norm}` : traits.norm], 'normalization', true));
  if (facts.experts) {
    block.push(add(['Router', `${hidden} → ${n(facts.experts.total)} experts`], 'activation', true));
    const moe = [`Mixture of experts (${traits.mlp})`, `${n(facts.experts.total)} experts, ${n(facts.experts.perToken)} per token`, `each ${mlpShape}`];
    if (traits.note && facts.family === 'qwen2_moe') moe.push(traits.note);
    block.push(add(moe, 'matmul', true));
  } else {
    block.push(add([`MLP (${traits.mlp})`, mlpShape], 'matmul', true));
  }
  if (traits.kind === 'encoder') block.push(add([`Add & ${traits.norm}`], 'normalization', true));
  chain.push(...block);

  if (traits.kind === 'decoder') {
    chain.push(add([`${traits.norm} (final)`], 'normalization'));
    chain.push(add(['LM head', `${hidden} → ${n(facts.vocabSize)}`, facts.tieWordEmbeddings ? 'tied to the token embedding' : ''], 'matmul'));
  } else {
    chain.push(add(['Pooler', `${hidden} → ${hidden}, tanh (first token)`], 'matmul'));
  }

  const layerWord = traits.kind === 'encoder' ? 'encoder layers' : 'decoder layers';
  const blockTitle = [`× ${n(facts.numLayers)} ${layerWord}`];
  if (traits.note && facts.family === 'gemma2') blockTitle.push(traits.note);

  const lines = ['flowchart TB'];
  const emit = (box: (typeof boxes)[number], indent: string) => lines.push(`${indent}${box.id}[${mermaidLabel(box.lines)}]`);
  const firstInside = boxes.findIndex((b) => inside.has(b.id));
  boxes.slice(0, firstInside).forEach((box) => emit(box, '  '));
  lines.push(`  subgraph s0[${mermaidLabel(blockTitle)}]`);
  boxes.filter((b) => inside.has(b.id)).forEach((box) => emit(box, '    '));
  lines.push('  end');
  boxes
    .slice(firstInside)
    .filter((b) => !inside.has(b.id))
    .forEach((box) => emit(box, '  '));
  for (let k = 1; k < chain.length; k++) lines.push(`  ${chain[k - 1]} --> ${chain[k]}`);

  const used = new Set(boxes.map((b) => b.category));
  for (const category of used) {
    const c = category === 'io' ? KIND_COLORS[theme].io : CATEGORY_COLORS[theme][category];
    lines.push(`  classDef c_${category} fill:${c.fill},stroke:${c.stroke},color:${c.color}`);
    lines.push(
      `  class ${boxes
        .filter((b) => b.category === category)
        .map((b) => b.id)
        .join(',')} c_${category}`,
    );
  }
  return { text: `${lines.join('\n')}\n`, title, kind: traits.kind };
}
