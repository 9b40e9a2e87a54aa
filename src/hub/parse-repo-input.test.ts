import { describe, expect, it } from 'vitest';
import { isValidRepoId, parseRepoInput } from './parse-repo-input';

const model = (repo: string, extra: { revision?: string; file?: string; folder?: string } = {}) => ({ kind: 'model', repo, ...extra });

describe('parseRepoInput', () => {
  it.each([
    ['https://huggingface.co/meta-llama/Llama-3.1-70B', model('meta-llama/Llama-3.1-70B')],
    ['https://huggingface.co/meta-llama/Llama-3.1-70B/', model('meta-llama/Llama-3.1-70B')],
    ['http://huggingface.co/meta-llama/Llama-3.1-70B', model('meta-llama/Llama-3.1-70B')],
    ['https://www.huggingface.co/meta-llama/Llama-3.1-70B', model('meta-llama/Llama-3.1-70B')],
    ['huggingface.co/meta-llama/Llama-3.1-70B', model('meta-llama/Llama-3.1-70B')],
    ['HuggingFace.co/meta-llama/Llama-3.1-70B', model('meta-llama/Llama-3.1-70B')],
    ['https://hf.co/meta-llama/Llama-3.1-70B', model('meta-llama/Llama-3.1-70B')],
    ['hf.co/meta-llama/Llama-3.1-70B', model('meta-llama/Llama-3.1-70B')],
    ['  https://huggingface.co/org/name  \n', model('org/name')],
    ['https://huggingface.co/org/name?library=transformers#model-card', model('org/name')],
    ['https://huggingface.co/org/name.git', model('org/name')],
    ['git clone https://huggingface.co/org/name', model('org/name')],
  ])('accepts the page link %s', (text, expected) => {
    expect(parseRepoInput(text)).toEqual(expected);
  });

  it.each([
    ['https://huggingface.co/org/name/tree/main', model('org/name', { revision: 'main' })],
    ['https://huggingface.co/org/name/tree/v1.0', model('org/name', { revision: 'v1.0' })],
    ['https://huggingface.co/org/name/tree/main/onnx', model('org/name', { revision: 'main', folder: 'onnx' })],
    ['https://huggingface.co/org/name/tree/main/a/b/', model('org/name', { revision: 'main', folder: 'a/b' })],
    ['https://huggingface.co/org/name/blob/main/config.json', model('org/name', { revision: 'main', file: 'config.json' })],
    ['https://huggingface.co/org/name/blob/main/onnx/model.onnx', model('org/name', { revision: 'main', file: 'onnx/model.onnx' })],
    ['https://huggingface.co/org/name/resolve/main/model.safetensors?download=true', model('org/name', { revision: 'main', file: 'model.safetensors' })],
    ['https://huggingface.co/org/name/raw/main/README.md', model('org/name', { revision: 'main', file: 'README.md' })],
    ['https://huggingface.co/org/name/blob/main/my%20file.json', model('org/name', { revision: 'main', file: 'my file.json' })],
    [
      'https://huggingface.co/org/name/blob/0123456789abcdef0123456789abcdef01234567/model.safetensors',
      model('org/name', { revision: '0123456789abcdef0123456789abcdef01234567', file: 'model.safetensors' }),
    ],
    ['https://huggingface.co/org/name/tree/refs%2Fpr%2F1', model('org/name', { revision: 'refs/pr/1' })],
    ['https://huggingface.co/org/name/blob/refs%2Fpr%2F12/config.json', model('org/name', { revision: 'refs/pr/12', file: 'config.json' })],
    ['https://huggingface.co/org/name/tree/refs%2Fconvert%2Fparquet', model('org/name', { revision: 'refs/convert/parquet' })],
    ['https://huggingface.co/org/name/commits/dev', model('org/name', { revision: 'dev' })],
    ['https://huggingface.co/org/name/discussions/12', model('org/name')],
    ['https://huggingface.co/org/name/commit/abc123', model('org/name')],
    ['https://huggingface.co/org/name/tree', model('org/name')],
  ])('reads revision and file from %s', (text, expected) => {
    expect(parseRepoInput(text)).toEqual(expected);
  });

  it.each([
    ['org/name', model('org/name')],
    ['meta-llama/Llama-3.1-70B', model('meta-llama/Llama-3.1-70B')],
    ['org/name@main', model('org/name', { revision: 'main' })],
    ['org/name@v2.0.1', model('org/name', { revision: 'v2.0.1' })],
    ['org/name@refs%2Fpr%2F1', model('org/name', { revision: 'refs/pr/1' })],
    ['org/name@0123456789abcdef0123456789abcdef01234567', model('org/name', { revision: '0123456789abcdef0123456789abcdef01234567' })],
    ['models/org/name', model('org/name')],
    ['Org_1/name.v2-final', model('Org_1/name.v2-final')],
  ])('accepts the id %s', (text, expected) => {
    expect(parseRepoInput(text)).toEqual(expected);
  });

  it.each([
    ['gpt2', model('gpt2')],
    ['bert-base-uncased', model('bert-base-uncased')],
    ['gpt2@main', model('gpt2', { revision: 'main' })],
    ['https://huggingface.co/gpt2', model('gpt2')],
    ['https://huggingface.co/gpt2/tree/main', model('gpt2', { revision: 'main' })],
    ['https://huggingface.co/gpt2/blob/main/config.json', model('gpt2', { revision: 'main', file: 'config.json' })],
    ['https://huggingface.co/gpt2/resolve/main/model.safetensors', model('gpt2', { revision: 'main', file: 'model.safetensors' })],
    ['https://huggingface.co/gpt2/discussions', model('gpt2')],
  ])('accepts the legacy single-name repo %s', (text, expected) => {
    expect(parseRepoInput(text)).toEqual(expected);
  });

  it.each([
    ['https://huggingface.co/api/models/org/name', model('org/name')],
    ['https://huggingface.co/api/models/org/name/revision/main', model('org/name', { revision: 'main' })],
    ['https://huggingface.co/api/models/org/name/tree/refs%2Fpr%2F3/onnx', model('org/name', { revision: 'refs/pr/3', folder: 'onnx' })],
    ['https://huggingface.co/api/models/gpt2/revision/main', model('gpt2', { revision: 'main' })],
  ])('accepts the API link %s', (text, expected) => {
    expect(parseRepoInput(text)).toEqual(expected);
  });

  it.each([
    ['https://huggingface.co/datasets/HuggingFaceFW/fineweb', 'dataset', /HuggingFaceFW\/fineweb is a dataset, not a model repo/],
    ['https://huggingface.co/datasets/HuggingFaceFW/fineweb/tree/main/data', 'dataset', /not a model repo/],
    ['hf.co/datasets/squad', 'dataset', /squad is a dataset/],
    ['datasets/org/name', 'dataset', /org\/name is a dataset/],
    ['https://huggingface.co/spaces/org/demo', 'space', /org\/demo is a Space, not a model repo/],
    ['spaces/org/demo', 'space', /Space/],
    ['https://huggingface.co/api/datasets/org/name', 'dataset', /dataset/],
    ['https://huggingface.co/datasets', 'dataset', /That is a dataset link/],
  ])('politely refuses the non-model link %s', (text, repoType, message) => {
    const result = parseRepoInput(text);
    expect(result).toMatchObject({ kind: 'not-model', repoType });
    expect((result as { message: string }).message).toMatch(message);
  });

  it.each([
    ['', /Nothing was pasted/],
    ['   ', /Nothing was pasted/],
    ['https://huggingface.co/', /home page/],
    ['https://huggingface.co/models', /Hub page, not a model/],
    ['https://huggingface.co/docs/hub/index', /Hub page/],
    ['https://huggingface.co/settings/tokens', /Hub page/],
    ['https://huggingface.co/papers/2407.21783', /Hub page/],
    ['https://github.com/org/name', /github.com is not a Hugging Face Hub address/],
    ['https://huggingface.co.evil.com/org/name', /not a Hugging Face Hub address/],
    ['ftp://huggingface.co/org/name', /not a Hugging Face link/],
    ['org/name/extra', /too many "\/"/],
    ['org/name@refs/pr/1', /must be written %2F: org\/name@refs%2Fpr%2F1/],
    ['org/name@', /Nothing follows "@"/],
    ['org name', /contains spaces/],
    ['-org/name', /not a valid model id/],
    ['org/name-', /not a valid model id/],
    ['org/na--me', /not a valid model id/],
    ['org/na..me', /not a valid model id/],
    ['org/' + 'x'.repeat(97), /not a valid model id/],
    ['org/ná', /not a valid model id/],
    ['/name', /not a valid model id/],
    ['org/name@bad..rev', /not a valid revision/],
    ['org/name@bad%00rev', /not a valid revision/],
    ['org/name@branch.lock', /not a valid revision/],
    ['org/name@%E0%A4%A', /not a valid revision/],
    ['https://huggingface.co/org/name/blob/main/a%2F..%2Fsecret', /not valid/],
    ['https://huggingface.co/org/name/tree/ma~in', /not a valid revision/],
  ])('explains why %j is not usable', (text, message) => {
    const result = parseRepoInput(text);
    expect(result.kind).toBe('invalid');
    expect((result as { message: string }).message).toMatch(message);
  });

  describe('with a custom endpoint', () => {
    it('accepts links to the endpoint host', () => {
      const endpoint = 'http://127.0.0.1:5555';
      expect(parseRepoInput('http://127.0.0.1:5555/org/name/tree/main', { endpoint })).toEqual(model('org/name', { revision: 'main' }));
      expect(parseRepoInput('http://127.0.0.1:5555/org/name/resolve/dev/config.json', { endpoint })).toEqual(
        model('org/name', { revision: 'dev', file: 'config.json' }),
      );
    });

    it('strips the endpoint path prefix of a mirror', () => {
      const endpoint = 'https://mirror.example.com/hf/';
      expect(parseRepoInput('https://mirror.example.com/hf/org/name/blob/main/README.md', { endpoint })).toEqual(
        model('org/name', { revision: 'main', file: 'README.md' }),
      );
    });

    it('still accepts huggingface.co links and ids', () => {
      const endpoint = 'https://hf-mirror.com';
      expect(parseRepoInput('https://huggingface.co/org/name', { endpoint })).toEqual(model('org/name'));
      expect(parseRepoInput('org/name@dev', { endpoint })).toEqual(model('org/name', { revision: 'dev' }));
    });

    it('refuses other hosts, naming the endpoint', () => {
      const result = parseRepoInput('https://other.example.com/org/name', { endpoint: 'https://hf-mirror.com' });
      expect(result).toMatchObject({ kind: 'invalid' });
      expect((result as { message: string }).message).toMatch(/huggingface\.co or hf-mirror\.com/);
    });

    it('refuses an endpoint host on another port', () => {
      expect(parseRepoInput('http://127.0.0.1:6666/org/name', { endpoint: 'http://127.0.0.1:5555' }).kind).toBe('invalid');
    });
  });
});

describe('isValidRepoId', () => {
  it.each(['gpt2', 'org/name', 'a/b', 'Org-1/Name_2.v3'])('accepts %s', (id) => expect(isValidRepoId(id)).toBe(true));
  it.each(['', 'a/b/c', 'org/', '/name', 'org/.name', 'org/name.', 'org/name.git', 'o--rg/name', 'org/na me'])('refuses %j', (id) =>
    expect(isValidRepoId(id)).toBe(false),
  );
});
