import { describe, expect, it } from 'vitest';
import { syntheticGraph, syntheticNode } from '../../test/builders/synthetic-graph';
import type { ModelDocument } from '../model/document';
import type { Node } from '../model/graph';
import { compareCardMetadata } from './compare-card-metadata';
import { compareKeyValues } from './compare-configs';
import { compareDocuments } from './compare-documents';
import { compareOnnx } from './compare-onnx';

function doc(parts: Partial<ModelDocument>): ModelDocument {
  return {
    source: { kind: 'local', files: [] },
    formats: [],
    tensors: [],
    parameters: { total: 0, byDtype: {}, bytesByDtype: {} },
    files: [],
    metadata: {},
    warnings: [],
    ...parts,
  };
}

function node(id: string, scope: string, opType: string, domain = ''): Node {
  return { ...syntheticNode(id, `/${scope}/${opType}_${id}`, opType, [], []), namespace: scope, domain };
}

describe('compareKeyValues (config.json)', () => {
  it('reports only differing keys, nested ones by path, structural ones first with what they mean', () => {
    const a = {
      model_type: 'llama',
      num_hidden_layers: 32,
      vocab_size: 32000,
      rope_theta: 10000,
      transformers_version: '4.40.0',
      rope_scaling: null,
      text_config: { num_attention_heads: 32 },
    };
    const b = {
      model_type: 'llama',
      num_hidden_layers: 32,
      vocab_size: 128256,
      rope_theta: 500000,
      transformers_version: '4.43.0',
      rope_scaling: { factor: 8, rope_type: 'llama3' },
      text_config: { num_attention_heads: 64 },
    };
    const diffs = compareKeyValues(a, b);
    expect(diffs.map((d) => [d.key, d.a, d.b, d.structural])).toEqual([
      ['rope_scaling', 'null', undefined, true],
      ['rope_scaling.factor', undefined, '8', true],
      ['rope_scaling.rope_type', undefined, '"llama3"', true],
      ['rope_theta', '10000', '500000', true],
      ['text_config.num_attention_heads', '32', '64', true],
      ['vocab_size', '32000', '128256', true],
      ['transformers_version', '"4.40.0"', '"4.43.0"', false],
    ]);
    expect(diffs.find((d) => d.key === 'vocab_size')!.meaning).toMatch(/tokenizer.*embeddings/);
    expect(diffs.find((d) => d.key === 'rope_theta')!.meaning).toMatch(/RoPE/);
    expect(diffs.find((d) => d.key === 'text_config.num_attention_heads')!.meaning).toMatch(/heads/);
  });
  it('is empty for equal configs and for two missing ones', () => {
    expect(compareKeyValues({ a: [1, 2], b: { c: 1 } }, { b: { c: 1 }, a: [1, 2] })).toEqual([]);
    expect(compareKeyValues(undefined, undefined)).toEqual([]);
  });
});

describe('compareCardMetadata', () => {
  it('compares the front matter field by field, licence, base model, datasets and metrics first', () => {
    const a = { path: 'README.md', body: '', frontMatter: 'license: apache-2.0\nbase_model: org/base\ndatasets:\n- c4\ntags:\n- x\n' };
    const b = {
      path: 'README.md',
      body: '',
      frontMatter: 'license: mit\nbase_model: org/base\ndatasets:\n- c4\n- pile\nmetrics:\n- accuracy\ntags:\n- x\nzzz: 1\n',
    };
    expect(compareCardMetadata(a, b)).toEqual([
      { field: 'license', a: '"apache-2.0"', b: '"mit"' },
      { field: 'datasets', a: '["c4"]', b: '["c4","pile"]' },
      { field: 'metrics', a: undefined, b: '["accuracy"]' },
      { field: 'zzz', a: undefined, b: '1' },
    ]);
    expect(compareCardMetadata(undefined, a).map((d) => d.field)).toEqual(['license', 'base_model', 'datasets', 'tags']);
  });
});

describe('compareOnnx', () => {
  it('compares the op histogram and opsets, and the nodes added and removed by scope', () => {
    const onnxFile = (version: number) => ({
      format: 'onnx' as const,
      path: 'model.onnx',
      irVersion: 8,
      opsets: [
        { domain: '', version },
        { domain: 'com.microsoft', version: 1 },
      ],
      producerName: '',
      producerVersion: '',
      domain: '',
      modelVersion: 0,
      docString: '',
      metadataProps: {},
      nodeCount: 0,
      subgraphCount: 0,
      functionCount: 0,
    });
    const a = doc({
      files: [onnxFile(14)],
      graphs: [
        syntheticGraph([node('0', 'layers.0/attn', 'MatMul'), node('1', 'layers.0/attn', 'Softmax'), node('2', 'layers.0/mlp', 'Gelu', 'com.microsoft')]),
      ],
    });
    const b = doc({
      files: [onnxFile(17)],
      graphs: [
        syntheticGraph([
          node('0', 'layers.0/attn', 'MatMul'),
          node('1', 'layers.0/attn', 'Softmax'),
          node('2', 'layers.0/attn', 'Cast'),
          node('3', 'layers.0/mlp', 'Erf'),
          node('4', 'layers.0/mlp', 'Mul'),
        ]),
      ],
    });
    const result = compareOnnx(a, b)!;
    expect(result.opsets).toEqual([{ domain: '', a: 14, b: 17 }]);
    expect(result.ops).toEqual([
      { op: 'Cast', a: 0, b: 1 },
      { op: 'com.microsoft.Gelu', a: 1, b: 0 },
      { op: 'Erf', a: 0, b: 1 },
      { op: 'Mul', a: 0, b: 1 },
      { op: 'MatMul', a: 1, b: 1 },
      { op: 'Softmax', a: 1, b: 1 },
    ]);
    expect(result.scopes).toEqual([
      {
        scope: 'layers.0/mlp',
        added: 2,
        removed: 1,
        ops: [
          { op: 'com.microsoft.Gelu', change: -1 },
          { op: 'Erf', change: 1 },
          { op: 'Mul', change: 1 },
        ],
      },
      { scope: 'layers.0/attn', added: 1, removed: 0, ops: [{ op: 'Cast', change: 1 }] },
    ]);
    expect(compareOnnx(doc({}), doc({}))).toBeUndefined();
  });
});

describe('compareDocuments', () => {
  it('brings tensors, summary, config, metadata and card together, naming by each side’s architecture', () => {
    const t = (name: string, dtype: 'F32' | 'BF16') => ({
      name,
      dtype,
      shape: [4],
      elements: 4,
      file: 'f',
      byteOffset: 0,
      byteLength: dtype === 'F32' ? 16 : 8,
    });
    const a = doc({
      tensors: [t('model.layers.0.post_attention_layernorm.weight', 'F32')],
      metadata: { format: 'pt' },
      config: { path: 'config.json', raw: { model_type: 'gemma2' }, architectures: [], modelType: 'gemma2' },
    });
    const b = doc({ tensors: [t('blk.0.attn_post_norm.weight', 'BF16')], metadata: { 'general.architecture': 'gemma2' } });
    const result = compareDocuments(a, b);
    expect(result.summary.counts).toEqual({ same: 0, changed: 1, added: 0, removed: 0 });
    expect(result.metadata.map((d) => d.key)).toEqual(['format', 'general.architecture']);
    expect(result.config.map((d) => d.key)).toEqual(['model_type']);
    expect(result.card).toEqual([]);
    expect(result.onnx).toBeUndefined();
  });
});
