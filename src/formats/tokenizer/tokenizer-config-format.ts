import { FormatError } from '../../model/errors';
import type { FormatModule } from '../format-module';
import { has, isRecord, optionalNumber, readJsonObject, tokenText } from './json-object';
import { lintTokenizerGroup } from './lint-tokenizer-group';
import { SPECIAL_ROLES, tokenizerFactsOf, type ChatTemplateFacts, type SpecialRole, type TokenFact, type TokenizerConfigFacts } from './tokenizer-facts';

/** transformers writes `int(1e30)` when a tokenizer sets no limit: no limit, not a length. */
const NO_MAX_LENGTH = 1e18;

const CONFIG_KEYS = ['tokenizer_class', 'chat_template', 'added_tokens_decoder', 'model_max_length'];

export function isTokenizerConfig(json: unknown): boolean {
  return isRecord(json) && !has(json, 'model') && CONFIG_KEYS.some((k) => has(json, k));
}

/** The role tokens (`eos_token: "</s>"`) and extra special tokens of a tokenizer_config or special_tokens_map. */
export function readSpecialTokens(
  file: string,
  json: Record<string, unknown>,
): { specialTokens: Partial<Record<SpecialRole, string>>; additionalSpecialTokens: string[] } {
  const specialTokens: Partial<Record<SpecialRole, string>> = {};
  for (const role of SPECIAL_ROLES) {
    const value = json[`${role}_token`];
    if (value === undefined || value === null) continue;
    const text = tokenText(value);
    if (text === undefined) throw new FormatError(file, `${role}_token`, 'expected a token string or { content }');
    specialTokens[role] = text;
  }
  const extra = json.additional_special_tokens;
  const additionalSpecialTokens = Array.isArray(extra) ? extra.map(tokenText).filter((t): t is string => t !== undefined) : [];
  return { specialTokens, additionalSpecialTokens };
}

/** `chat_template` as one string, or as named templates `[{ name, template }]`. */
export function readChatTemplates(file: string, value: unknown, origin: ChatTemplateFacts['origin']): ChatTemplateFacts[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ file, origin, name: 'default', source: value }];
  if (!Array.isArray(value)) throw new FormatError(file, 'chat_template', 'expected a template string or a list of { name, template }');
  return value.map((entry: unknown, i) => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || typeof entry.template !== 'string') {
      throw new FormatError(file, `chat_template[${i}]`, 'expected { name, template }');
    }
    return { file, origin, name: entry.name, source: entry.template };
  });
}

export function parseTokenizerConfig(file: string, json: Record<string, unknown>): { facts: TokenizerConfigFacts; templates: ChatTemplateFacts[] } {
  const addedTokensDecoder: TokenFact[] = [];
  const decoder = json.added_tokens_decoder;
  if (decoder !== undefined) {
    if (!isRecord(decoder)) throw new FormatError(file, 'added_tokens_decoder', 'expected an object of id → token');
    for (const [key, token] of Object.entries(decoder)) {
      const id = Number(key);
      if (!Number.isSafeInteger(id) || id < 0 || !isRecord(token) || typeof token.content !== 'string') {
        throw new FormatError(file, `added_tokens_decoder[${JSON.stringify(key)}]`, 'expected an id and { content }');
      }
      addedTokensDecoder.push({ id, content: token.content, special: token.special === true });
    }
  }
  const maxLength = optionalNumber(json.model_max_length);
  const facts: TokenizerConfigFacts = {
    file,
    ...(typeof json.tokenizer_class === 'string' ? { tokenizerClass: json.tokenizer_class } : {}),
    ...readSpecialTokens(file, json),
    ...(maxLength !== undefined && maxLength < NO_MAX_LENGTH ? { modelMaxLength: maxLength } : {}),
    ...(typeof json.add_bos_token === 'boolean' ? { addBosToken: json.add_bos_token } : {}),
    ...(typeof json.add_eos_token === 'boolean' ? { addEosToken: json.add_eos_token } : {}),
    addedTokensDecoder,
    // The template lives in `templates`; the raw copy need not carry it twice.
    raw: Object.fromEntries(Object.entries(json).filter(([k]) => k !== 'chat_template' && k !== 'added_tokens_decoder')),
  };
  return { facts, templates: readChatTemplates(file, json.chat_template, 'tokenizer_config.json') };
}

/** The registry entry for `tokenizer_config.json`. */
export const tokenizerConfigFormat: FormatModule<ReturnType<typeof parseTokenizerConfig>> = {
  id: 'tokenizer-config',
  label: 'tokenizer_config.json',
  readme: {
    input: '`tokenizer_config.json`',
    reads:
      'the special tokens, `model_max_length`, `added_tokens_decoder`, and the chat template (one, or named ones such as `tool_use` and `rag`), rendered for a sample conversation and checked for risky constructs',
  },
  extensions: ['tokenizer_config.json'],
  role: 'sidecar',
  json: true,
  sniff: (_head, _source, json) => isTokenizerConfig(json),
  async parse(source, signal, sidecar) {
    const { value } = await readJsonObject(source, 'tokenizer_config.json', signal, sidecar);
    return parseTokenizerConfig(source.name, value);
  },
  contribute(parsed, source, draft) {
    const facts = tokenizerFactsOf(draft.document);
    facts.config ??= parsed.facts;
    facts.templates.push(...parsed.templates);
    draft.document.files.push({
      format: 'tokenizer-config',
      path: source.name,
      ...(parsed.facts.tokenizerClass ? { tokenizerClass: parsed.facts.tokenizerClass } : {}),
    });
  },
  finish: lintTokenizerGroup,
};
