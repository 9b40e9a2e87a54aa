import type { FormatModule } from '../format-module';
import { isRecord, readJsonObject } from './json-object';
import { lintTokenizerGroup } from './lint-tokenizer-group';
import { readSpecialTokens } from './tokenizer-config-format';
import { SPECIAL_ROLES, tokenizerFactsOf, type SpecialTokensMapFacts } from './tokenizer-facts';

const MAP_KEYS = new Set([...SPECIAL_ROLES.map((r) => `${r}_token`), 'additional_special_tokens']);

/** A non-empty object whose every key is a special-token role. */
export function isSpecialTokensMap(json: unknown): boolean {
  if (!isRecord(json)) return false;
  const keys = Object.keys(json);
  return keys.length > 0 && keys.every((k) => MAP_KEYS.has(k));
}

/** The registry entry for `special_tokens_map.json`. */
export const specialTokensMapFormat: FormatModule<SpecialTokensMapFacts> = {
  id: 'special-tokens-map',
  label: 'special_tokens_map.json',
  readme: { input: '`special_tokens_map.json`', reads: 'the special tokens by role, checked against the tokenizer and the configs' },
  extensions: ['special_tokens_map.json'],
  role: 'sidecar',
  json: true,
  sniff: (_head, _source, json) => isSpecialTokensMap(json),
  async parse(source, signal, sidecar) {
    const { value } = await readJsonObject(source, 'special_tokens_map.json', signal, sidecar);
    return { file: source.name, ...readSpecialTokens(source.name, value) };
  },
  contribute(parsed, source, draft) {
    tokenizerFactsOf(draft.document).specialTokensMap ??= parsed;
    draft.document.files.push({ format: 'special-tokens-map', path: source.name });
  },
  finish: lintTokenizerGroup,
};
