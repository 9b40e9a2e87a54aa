import { describe, expect, it } from 'vitest';
import { describeHubFiles, ggufQuantizations, ggufSplitSiblings, guessFileKind, isPickleFile, MAX_AUTO_TOKENIZER_BYTES, pickHubFiles } from './hub-files';
import type { HubFile } from './resolve-repo';

const files = (...paths: string[]): HubFile[] => paths.map((path) => ({ path, size: 1 }));
const paths = (list: HubFile[] | undefined) => (list ?? []).map((f) => f.path);

describe('guessFileKind', () => {
  it.each([
    ['model.safetensors', 'safetensors'],
    ['unet/diffusion_pytorch_model.safetensors', 'safetensors'],
    ['model.safetensors.index.json', 'safetensors-index'],
    ['config.json', 'config'],
    ['text_encoder/config.json', 'config'],
    ['generation_config.json', 'generation-config'],
    ['README.md', 'card'],
    ['onnx/model.onnx', 'onnx'],
    ['onnx/model.onnx_data', 'onnx-data'],
    ['model.onnx.data', 'onnx-data'],
    ['pytorch_model.bin', 'pickle'],
    ['original/consolidated.00.pth', 'pickle'],
    ['model.pt', 'pickle'],
    ['sd.ckpt', 'pickle'],
    ['data.pkl', 'pickle'],
    ['model-q4_k_m.gguf', 'gguf'],
    ['tokenizer.json', 'tokenizer'],
    ['tokenizer_config.json', 'tokenizer'],
    ['original/tokenizer.model', 'tokenizer'],
    ['merges.txt', 'tokenizer'],
    ['.gitattributes', 'other'],
    ['LICENSE', 'other'],
  ])('%s → %s', (path, kind) => expect(guessFileKind(path)).toBe(kind));

  it('flags pickle files', () => {
    expect(['a.bin', 'a.pt', 'a.pth', 'a.ckpt', 'a.pkl', 'A.BIN'].every(isPickleFile)).toBe(true);
    expect(['a.safetensors', 'a.onnx', 'a.binx', 'bin'].some(isPickleFile)).toBe(false);
  });
});

describe('pickHubFiles', () => {
  it('picks the root sidecars and every shard', () => {
    const pick = pickHubFiles(
      files(
        '.gitattributes',
        'README.md',
        'config.json',
        'generation_config.json',
        'model-00002-of-00002.safetensors',
        'model-00001-of-00002.safetensors',
        'model.safetensors.index.json',
        'original/consolidated.00.pth',
        'onnx/model.onnx',
        'sub/config.json',
      ),
    );
    expect(pick.config?.path).toBe('config.json');
    expect(pick.card?.path).toBe('README.md');
    expect(pick.generationConfig?.path).toBe('generation_config.json');
    expect(pick.index?.path).toBe('model.safetensors.index.json');
    expect(paths(pick.weights)).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  });

  it('picks the tokenizer and chat template files at the root, not in folders', () => {
    const pick = pickHubFiles(
      files(
        'model.safetensors',
        'tokenizer.json',
        'tokenizer_config.json',
        'special_tokens_map.json',
        'chat_template.jinja',
        'merges.txt',
        'sub/tokenizer.json',
      ),
    );
    expect(paths(pick.tokenizer)).toEqual(['chat_template.jinja', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);
  });

  it('leaves a tokenizer.json larger than MAX_AUTO_TOKENIZER_BYTES to be inspected on demand', () => {
    const pick = pickHubFiles([
      { path: 'tokenizer.json', size: MAX_AUTO_TOKENIZER_BYTES + 1 },
      { path: 'tokenizer_config.json', size: 50_000 },
    ]);
    expect(paths(pick.tokenizer)).toEqual(['tokenizer_config.json']);
  });

  it('prefers model.safetensors.index.json among several indexes', () => {
    expect(pickHubFiles(files('a.safetensors.index.json', 'model.safetensors.index.json')).index?.path).toBe('model.safetensors.index.json');
    expect(pickHubFiles(files('z.safetensors.index.json', 'b.safetensors.index.json')).index?.path).toBe('b.safetensors.index.json');
  });

  it('leaves out variants of a file that is there', () => {
    expect(paths(pickHubFiles(files('model.safetensors', 'model.fp16.safetensors', 'adapter.safetensors')).weights)).toEqual([
      'adapter.safetensors',
      'model.safetensors',
    ]);
  });

  it('falls back to the folders when the root has no weights (diffusers)', () => {
    const pick = pickHubFiles(
      files(
        'model_index.json',
        'unet/diffusion_pytorch_model.safetensors',
        'unet/diffusion_pytorch_model.fp16.safetensors',
        'vae/diffusion_pytorch_model.safetensors',
      ),
    );
    expect(paths(pick.weights)).toEqual(['unet/diffusion_pytorch_model.safetensors', 'vae/diffusion_pytorch_model.safetensors']);
    expect(pick.config).toBeUndefined();
  });

  it('picks nothing from a pickle-only repo', () => {
    const pick = pickHubFiles(files('pytorch_model.bin', '.gitattributes'));
    expect(pick.weights).toEqual([]);
    expect(pick.config ?? pick.card ?? pick.index).toBeUndefined();
  });
});

describe('describeHubFiles', () => {
  it('describes every file for the file tree', () => {
    const rows = describeHubFiles(
      [
        { path: 'model.safetensors', size: 10, lfs: { oid: 'a'.repeat(64), size: 10 } },
        { path: 'pytorch_model.bin', size: 10 },
      ],
      ['model.safetensors'],
    );
    expect(rows).toEqual([
      { path: 'model.safetensors', size: 10, lfs: { oid: 'a'.repeat(64), size: 10 }, kind: 'safetensors', pickle: false, opened: true },
      { path: 'pytorch_model.bin', size: 10, kind: 'pickle', pickle: true, opened: false },
    ]);
  });
});

describe('GGUF files of a repo', () => {
  const repo = files(
    'README.md',
    'Llama-3-8B-Instruct-Q8_0.gguf',
    'Llama-3-8B-Instruct-IQ2_XS.gguf',
    'Llama-3-70B-Q4_K_M-00002-of-00002.gguf',
    'Llama-3-70B-Q4_K_M-00001-of-00002.gguf',
    'llama-3-8b-instruct.q4_k_m.gguf',
    'mmproj-model-f16.gguf',
  );

  it('lists each model once, split parts under the first, with the quantization its name says', () => {
    expect(ggufQuantizations(repo)).toEqual([
      {
        path: 'Llama-3-70B-Q4_K_M-00001-of-00002.gguf',
        paths: ['Llama-3-70B-Q4_K_M-00001-of-00002.gguf', 'Llama-3-70B-Q4_K_M-00002-of-00002.gguf'],
        size: 2,
        type: 'Q4_K_M',
      },
      { path: 'Llama-3-8B-Instruct-IQ2_XS.gguf', paths: ['Llama-3-8B-Instruct-IQ2_XS.gguf'], size: 1, type: 'IQ2_XS' },
      { path: 'Llama-3-8B-Instruct-Q8_0.gguf', paths: ['Llama-3-8B-Instruct-Q8_0.gguf'], size: 1, type: 'Q8_0' },
      { path: 'llama-3-8b-instruct.q4_k_m.gguf', paths: ['llama-3-8b-instruct.q4_k_m.gguf'], size: 1, type: 'Q4_K_M' },
      { path: 'mmproj-model-f16.gguf', paths: ['mmproj-model-f16.gguf'], size: 1, type: 'F16' },
    ]);
  });

  it('opens the Q4_K_M model (every part) when there are no safetensors, and none beside safetensors', () => {
    expect(paths(pickHubFiles(repo).gguf)).toEqual(['Llama-3-70B-Q4_K_M-00002-of-00002.gguf', 'Llama-3-70B-Q4_K_M-00001-of-00002.gguf']);
    expect(pickHubFiles([...repo, ...files('model.safetensors')]).gguf).toEqual([]);
  });

  it('finds the other parts of a split model', () => {
    expect(paths(ggufSplitSiblings(['Llama-3-70B-Q4_K_M-00001-of-00002.gguf'], repo))).toEqual(['Llama-3-70B-Q4_K_M-00002-of-00002.gguf']);
    expect(ggufSplitSiblings(['Llama-3-8B-Instruct-Q8_0.gguf'], repo)).toEqual([]);
  });
});
