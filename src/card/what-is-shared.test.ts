import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../model/document';
import { cardFixture, configFixture, documentFixture } from '../../test/fixtures/card-fixtures';
import { whatIsShared, type SharedItem, type SharedPart } from './what-is-shared';

function part(doc: ModelDocument, name: SharedPart): SharedItem {
  const item = whatIsShared(doc).find((i) => i.part === name);
  if (!item) throw new Error(`no ${name}`);
  return item;
}

describe('whatIsShared', () => {
  it('lists the five parts, in order', () => {
    expect(whatIsShared(documentFixture()).map((i) => i.part)).toEqual(['weights', 'code', 'card', 'training-code', 'training-data']);
  });

  it('rates the weights by format', () => {
    expect(part(documentFixture({ formats: ['safetensors', 'config'] }), 'weights')).toMatchObject({ status: 'green', hint: '' });
    expect(part(documentFixture({ formats: ['onnx'] }), 'weights').status).toBe('green');
    expect(part(documentFixture({ fileNames: ['model-q4_k_m.gguf'] }), 'weights')).toMatchObject({ status: 'green', detail: expect.stringMatching(/GGUF/) });
    expect(part(documentFixture({ formats: ['pytorch'], fileNames: ['pytorch_model.bin'] }), 'weights')).toMatchObject({
      status: 'red',
      detail: expect.stringMatching(/pickle/),
    });
    const both = part(documentFixture({ formats: ['safetensors', 'pytorch'], fileNames: ['model.safetensors', 'pytorch_model.bin'] }), 'weights');
    expect(both).toMatchObject({ status: 'amber', detail: expect.stringMatching(/pytorch_model\.bin/) });
    expect(part(documentFixture({ fileNames: ['model.h5'] }), 'weights').status).toBe('amber');
    expect(part(documentFixture(), 'weights')).toMatchObject({ status: 'red', detail: 'No weight files.' });
  });

  it('uses the pickle scan verdict when there is one', () => {
    const scanned = (verdict: 'safe' | 'unsafe', formats: ModelDocument['formats'] = ['pytorch']) =>
      documentFixture({ formats, fileNames: ['pytorch_model.bin'], pickle: { verdict, reports: [] } });
    expect(part(scanned('safe'), 'weights')).toMatchObject({ status: 'amber', detail: expect.stringMatching(/weights_only/) });
    expect(part(scanned('unsafe'), 'weights').status).toBe('red');
    expect(part(scanned('unsafe', ['safetensors', 'pytorch']), 'weights')).toMatchObject({ status: 'red', detail: expect.stringMatching(/run code/) });
  });

  it('does not take OpenVINO .bin files for pickle', () => {
    expect(part(documentFixture({ fileNames: ['openvino_model.xml', 'openvino_model.bin'] }), 'weights').status).toBe('red');
    expect(part(documentFixture({ fileNames: ['openvino_model.xml', 'openvino_model.bin'] }), 'weights').detail).toBe('No weight files.');
  });

  it('rates the code: config.json and its architecture', () => {
    expect(part(documentFixture({ config: configFixture(['BertForMaskedLM'], 'bert') }), 'code')).toMatchObject({
      status: 'green',
      detail: 'config.json names BertForMaskedLM (model_type bert).',
    });
    expect(part(documentFixture({ config: configFixture([], 'bert') }), 'code').status).toBe('amber');
    const remote = documentFixture({
      config: configFixture(['MyModel'], 'custom', { auto_map: { AutoModel: 'modeling.MyModel' } }),
      fileNames: ['config.json', 'modeling.py'],
    });
    expect(part(remote, 'code')).toMatchObject({ status: 'amber', detail: expect.stringMatching(/trust_remote_code.*modeling\.py/) });
    expect(part(documentFixture({ formats: ['onnx'] }), 'code').status).toBe('green');
    expect(part(documentFixture(), 'code').status).toBe('red');
  });

  it('rates the card', () => {
    expect(part(documentFixture({ card: cardFixture('bert') }), 'card')).toMatchObject({ status: 'green' });
    expect(part(documentFixture({ card: cardFixture('minimal') }), 'card')).toMatchObject({ status: 'amber', detail: 'The card says very little.' });
    expect(part(documentFixture({ card: { path: 'README.md', body: '# x\n' } }), 'card').detail).toMatch(/no metadata/);
    expect(part(documentFixture({ card: { path: 'README.md', frontMatter: 'a: [', body: '' } }), 'card').detail).toMatch(/invalid/);
    expect(part(documentFixture(), 'card').status).toBe('red');
  });

  it('finds training code linked from the card, but not the libraries it uses', () => {
    expect(part(documentFixture({ card: cardFixture('bert') }), 'training-code')).toMatchObject({
      status: 'green',
      detail: expect.stringMatching(/github\.com\/google-research\/bert/),
    });
    const libraryOnly = { path: 'README.md', body: 'Load it with [transformers](https://github.com/huggingface/transformers).' };
    expect(part(documentFixture({ card: libraryOnly }), 'training-code').status).toBe('red');
    const html = { path: 'README.md', body: '<p>Code: <a href="https://gitlab.com/team/trainer">here</a></p>' };
    expect(part(documentFixture({ card: html }), 'training-code').status).toBe('green');
    expect(part(documentFixture(), 'training-code').status).toBe('red');
  });

  it('finds training data in the metadata or linked from the card', () => {
    expect(part(documentFixture({ card: cardFixture('bert') }), 'training-data')).toMatchObject({
      status: 'green',
      detail: 'The metadata names datasets: bookcorpus, wikipedia.',
    });
    const linked = { path: 'README.md', frontMatter: 'license: mit', body: 'Trained on [FineWeb](https://huggingface.co/datasets/HuggingFaceFW/fineweb).' };
    expect(part(documentFixture({ card: linked }), 'training-data')).toMatchObject({ status: 'amber', hint: expect.stringMatching(/datasets:/) });
    expect(part(documentFixture({ card: cardFixture('llama') }), 'training-data').status).toBe('red');
  });
});

describe('whatIsShared with a record (Zenodo related identifiers)', () => {
  const related = (relation: string, url: string | undefined, resourceType?: string, identifier = url ?? '10.5281/zenodo.1') => ({
    relation,
    url,
    resourceType,
    identifier,
  });
  const withRecord = (...relations: ReturnType<typeof related>[]) =>
    whatIsShared(documentFixture({ source: { kind: 'zenodo', files: [], metadata: { related: relations } } }));
  const item = (items: SharedItem[], name: SharedPart) => items.find((i) => i.part === name);

  it('counts supplementing software and code-host links, and referenced GitHub/GitLab repos, as training code, linked', () => {
    expect(item(withRecord(related('isSupplementTo', 'https://github.com/org/train/tree/v1.0', 'software')), 'training-code')).toEqual({
      part: 'training-code',
      status: 'green',
      detail: 'The record links code: https://github.com/org/train/tree/v1.0.',
      hint: '',
      links: ['https://github.com/org/train/tree/v1.0'],
    });
    expect(item(withRecord(related('isSupplementedBy', 'https://doi.org/10.5281/zenodo.2', 'software')), 'training-code')).toMatchObject({
      status: 'green',
      links: ['https://doi.org/10.5281/zenodo.2'],
    });
    expect(item(withRecord(related('isSupplementedBy', 'https://codeberg.org/a/b')), 'training-code')).toMatchObject({
      status: 'green',
      links: ['https://codeberg.org/a/b'],
    });
    expect(item(withRecord(related('references', 'https://gitlab.com/a/b')), 'training-code')).toMatchObject({
      status: 'green',
      links: ['https://gitlab.com/a/b'],
    });
  });

  it('does not count other relations as training code', () => {
    expect(item(withRecord(related('references', 'https://example.org/paper')), 'training-code')!.status).toBe('red');
    expect(item(withRecord(related('cites', 'https://github.com/a/b')), 'training-code')!.status).toBe('red');
    expect(item(withRecord(related('isSupplementTo', 'https://example.org/x', 'publication')), 'training-code')!.status).toBe('red');
  });

  it('counts datasets the model derives from or references as training data, linked', () => {
    expect(item(withRecord(related('isDerivedFrom', 'https://doi.org/10.5281/zenodo.1111111', 'dataset')), 'training-data')).toEqual({
      part: 'training-data',
      status: 'green',
      detail: 'The record links datasets: https://doi.org/10.5281/zenodo.1111111.',
      hint: '',
      links: ['https://doi.org/10.5281/zenodo.1111111'],
    });
    expect(item(withRecord(related('references', 'https://huggingface.co/datasets/org/data')), 'training-data')).toMatchObject({ status: 'green' });
    expect(item(withRecord(related('isDerivedFrom', 'https://doi.org/10.5281/zenodo.9', 'software')), 'training-data')!.status).toBe('red');
    expect(item(withRecord(related('isPartOf', 'https://doi.org/10.5281/zenodo.9', 'dataset')), 'training-data')!.status).toBe('red');
  });

  it('names an identifier that has no safe link, without linking it', () => {
    expect(item(withRecord(related('isDerivedFrom', undefined, 'dataset', 'PMC1234')), 'training-data')).toMatchObject({
      status: 'green',
      detail: 'The record links datasets: PMC1234.',
      links: [],
    });
  });

  it('falls back to the card when the record links nothing', () => {
    expect(
      item(whatIsShared(documentFixture({ card: cardFixture('bert'), source: { kind: 'zenodo', files: [], metadata: { related: [] } } })), 'training-code')!
        .detail,
    ).toMatch(/The card links code/);
  });
});
