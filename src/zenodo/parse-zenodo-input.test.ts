import { describe, expect, it } from 'vitest';
import { parseZenodoInput } from './parse-zenodo-input';

const record = (recordId: string, endpoint?: string, file?: string) => ({
  kind: 'record',
  recordId,
  ...(endpoint ? { endpoint } : {}),
  ...(file ? { file } : {}),
});

describe('parseZenodoInput', () => {
  it('reads record pages, old and new, on zenodo.org', () => {
    expect(parseZenodoInput('https://zenodo.org/records/1234567')).toEqual(record('1234567', 'https://zenodo.org'));
    expect(parseZenodoInput('https://zenodo.org/record/1234567')).toEqual(record('1234567', 'https://zenodo.org'));
    expect(parseZenodoInput('  https://www.zenodo.org/records/1234567/  ')).toEqual(record('1234567', 'https://zenodo.org'));
    expect(parseZenodoInput('https://zenodo.org/records/1234567?preview=1#files')).toEqual(record('1234567', 'https://zenodo.org'));
    expect(parseZenodoInput('zenodo.org/records/1234567')).toEqual(record('1234567', 'https://zenodo.org'));
    expect(parseZenodoInput('https://zenodo.org/api/records/1234567')).toEqual(record('1234567', 'https://zenodo.org'));
  });

  it('reads file links, keeping the file', () => {
    expect(parseZenodoInput('https://zenodo.org/records/1234567/files/model.safetensors?download=1')).toEqual(
      record('1234567', 'https://zenodo.org', 'model.safetensors'),
    );
    expect(parseZenodoInput('https://zenodo.org/records/1234567/files/weights%20v2.pt')).toEqual(record('1234567', 'https://zenodo.org', 'weights v2.pt'));
  });

  it('reads DOIs: doi.org links, bare, with doi:, and Zenodo /doi/ links', () => {
    expect(parseZenodoInput('https://doi.org/10.5281/zenodo.1234567')).toEqual(record('1234567'));
    expect(parseZenodoInput('http://dx.doi.org/10.5281/zenodo.1234567')).toEqual(record('1234567'));
    expect(parseZenodoInput('https://doi.org/10.5281%2Fzenodo.1234567')).toEqual(record('1234567'));
    expect(parseZenodoInput('10.5281/zenodo.1234567')).toEqual(record('1234567'));
    expect(parseZenodoInput('10.5281/ZENODO.1234567')).toEqual(record('1234567'));
    expect(parseZenodoInput('doi:10.5281/zenodo.1234567')).toEqual(record('1234567'));
    expect(parseZenodoInput('https://zenodo.org/doi/10.5281/zenodo.1234566')).toEqual(record('1234566', 'https://zenodo.org'));
  });

  it('sends the sandbox to the sandbox: its links and its test-prefix DOIs', () => {
    expect(parseZenodoInput('https://sandbox.zenodo.org/records/98765')).toEqual(record('98765', 'https://sandbox.zenodo.org'));
    expect(parseZenodoInput('10.5072/zenodo.98765')).toEqual(record('98765', 'https://sandbox.zenodo.org'));
  });

  it('reads links to the configured endpoint, path prefix included', () => {
    expect(parseZenodoInput('http://127.0.0.1:5290/records/1000', { endpoint: 'http://127.0.0.1:5290' })).toEqual(record('1000', 'http://127.0.0.1:5290'));
    expect(parseZenodoInput('https://mirror.test/zenodo/records/1000', { endpoint: 'https://mirror.test/zenodo' })).toEqual(
      record('1000', 'https://mirror.test/zenodo'),
    );
    expect(parseZenodoInput('https://mirror.test/other/records/1000', { endpoint: 'https://mirror.test/zenodo' })).toEqual({ kind: 'not-zenodo' });
    expect(parseZenodoInput('http://127.0.0.1:5290/records/1000')).toEqual({ kind: 'not-zenodo' });
  });

  it('takes a bare id', () => {
    expect(parseZenodoInput('1234567')).toEqual(record('1234567'));
  });

  it('refuses Zenodo references that name no record, saying why', () => {
    for (const junk of [
      'https://zenodo.org/records/abc',
      'https://zenodo.org/records/',
      'https://zenodo.org/',
      'https://zenodo.org/communities/biosyslit',
      'https://zenodo.org/uploads/1234567',
      'https://zenodo.org/records/0123',
      'https://zenodo.org/records/1234567890123456789',
      '10.5281/zenodo.',
      '10.5281/zenodo.12x',
      '0',
      '99999999999999999999',
    ]) {
      expect(parseZenodoInput(junk), junk).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/zenodo\.org\/records\/1234567/) });
    }
  });

  it('leaves everything else alone, for the Hub parser', () => {
    for (const other of [
      '',
      '   ',
      'meta-llama/Llama-3.1-8B',
      'https://huggingface.co/gpt2',
      'https://evil.example/records/5',
      'https://doi.org/10.1000/xyz123',
      '10.1000/182',
      'javascript:alert(1)',
      'ftp://zenodo.org/records/5',
      'https://zenodo.org.evil.example/records/5',
    ]) {
      expect(parseZenodoInput(other), other).toEqual({ kind: 'not-zenodo' });
    }
  });
});
