import { describe, expect, it } from 'vitest';
import type { ConfigFacts } from '../model/config-facts';
import { architectureDiagram } from './architecture-diagram';

const llama: ConfigFacts = {
  family: 'llama',
  modelType: 'llama',
  architectures: ['LlamaForCausalLM'],
  hiddenSize: 4096,
  numLayers: 32,
  numHeads: 32,
  numKvHeads: 8,
  headDim: 128,
  intermediateSize: 14336,
  vocabSize: 128256,
  tieWordEmbeddings: false,
  fromTextConfig: false,
};

describe('architectureDiagram', () => {
  it('draws a decoder with the config numbers', () => {
    const d = architectureDiagram(llama)!;
    expect(d.kind).toBe('decoder');
    expect(d.title).toBe('LlamaForCausalLM');
    expect(d.text).toMatch(/^flowchart TB\n/);
    expect(d.text).toContain('128,256 #215; 4,096');
    expect(d.text).toContain('#215; 32 decoder layers');
    expect(d.text).toContain('8 KV heads (grouped-query)');
    expect(d.text).toContain('14,336');
    expect(d.text).toContain('LM head');
  });

  it('shows experts for a mixture of experts, and BERT as an encoder', () => {
    const moe = architectureDiagram({ ...llama, family: 'mixtral', experts: { total: 8, perToken: 2 } })!;
    expect(moe.text).toContain('8 experts, 2 per token');
    const bert = architectureDiagram({ family: 'bert', architectures: [], hiddenSize: 768, numLayers: 12, numHeads: 12, fromTextConfig: false })!;
    expect(bert.kind).toBe('encoder');
    expect(bert.text).toContain('12 encoder layers');
    expect(bert.text).toContain('Pooler');
    expect(bert.text).toContain('768 #8594; #63; #8594; 768'); // A missing intermediate size shows as `?`.
  });

  it('returns nothing for an unknown family, and escapes the names', () => {
    expect(architectureDiagram({ architectures: ['Foo'], fromTextConfig: false })).toBeUndefined();
    const d = architectureDiagram({ ...llama, architectures: ['X"]\nclick n0 call alert()'] })!;
    expect(d.text.split('\n').some((l) => /^\s*click/.test(l))).toBe(false);
  });
});
