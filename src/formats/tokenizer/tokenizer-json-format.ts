import { FormatError } from '../../model/errors';
import type { FormatModule } from '../format-module';
import { has, isRecord, readJsonObject } from './json-object';
import { lintTokenizerGroup } from './lint-tokenizer-group';
import { vocabularies } from './vocabularies';
import { tokenizerFactsOf, type TokenFact, type TokenizerModelFacts } from './tokenizer-facts';

interface ParsedTokenizerJson {
  facts: TokenizerModelFacts;
  vocabulary: Map<string, number>;
  text: string;
}

/** Whether parsed JSON is a `tokenizers` tokenizer.json: a `model` object with a vocabulary, and the pipeline keys. */
export function isTokenizerJson(json: unknown): boolean {
  return (
    isRecord(json) && isRecord(json.model) && has(json.model, 'vocab') && (has(json, 'added_tokens') || has(json, 'pre_tokenizer') || has(json, 'normalizer'))
  );
}

/** Summarizes a tokenizer.json: its model type, vocabulary, added tokens and pipeline. */
export function summarizeTokenizerJson(
  file: string,
  json: Record<string, unknown>,
  bytes: number,
): { facts: TokenizerModelFacts; vocabulary: Map<string, number> } {
  const started = performance.now();
  const model = json.model as Record<string, unknown>;
  const vocabulary = new Map<string, number>();
  const vocab = model.vocab;
  if (Array.isArray(vocab)) {
    // Unigram: [[piece, score], …], the id is the position.
    vocab.forEach((entry, id) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new FormatError(file, `model.vocab[${id}]`, 'expected [piece, score]');
      vocabulary.set(entry[0], id);
    });
  } else if (isRecord(vocab)) {
    for (const [token, id] of Object.entries(vocab)) {
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
        throw new FormatError(file, `model.vocab[${JSON.stringify(token)}]`, 'expected a non-negative integer id');
      vocabulary.set(token, id);
    }
  } else {
    throw new FormatError(file, 'model.vocab', 'expected an object of token ids or a list of [piece, score]');
  }
  const modelVocabSize = vocabulary.size;
  const addedTokens: TokenFact[] = [];
  const added = json.added_tokens ?? [];
  if (!Array.isArray(added)) throw new FormatError(file, 'added_tokens', 'expected a list');
  added.forEach((token: unknown, i) => {
    if (!isRecord(token) || typeof token.content !== 'string' || typeof token.id !== 'number' || !Number.isSafeInteger(token.id) || token.id < 0) {
      throw new FormatError(file, `added_tokens[${i}]`, 'expected { id, content }');
    }
    addedTokens.push({ id: token.id, content: token.content, special: token.special === true });
    vocabulary.set(token.content, token.id);
  });
  let maxId = -1;
  for (const id of vocabulary.values()) if (id > maxId) maxId = id;
  const facts: TokenizerModelFacts = {
    file,
    origin: 'tokenizer.json',
    type: modelType(model),
    vocabSize: maxId + 1,
    modelVocabSize,
    ...(Array.isArray(model.merges) ? { merges: model.merges.length } : {}),
    addedTokens,
    normalizer: describeComponent(json.normalizer),
    preTokenizer: describeComponent(json.pre_tokenizer),
    postProcessor: describeComponent(json.post_processor),
    decoder: describeComponent(json.decoder),
    bytes,
    parseMs: 0,
  };
  facts.parseMs = Math.round((performance.now() - started) * 10) / 10;
  return { facts, vocabulary };
}

function modelType(model: Record<string, unknown>): string {
  if (typeof model.type === 'string') return model.type;
  // Files from before `type` was written: tell the model by its keys, as tokenizers does.
  if (has(model, 'merges')) return 'BPE';
  if (Array.isArray(model.vocab)) return 'Unigram';
  if (has(model, 'continuing_subword_prefix')) return 'WordPiece';
  return 'WordLevel';
}

const SEQUENCE_KEYS = ['normalizers', 'pretokenizers', 'processors', 'decoders'];

/** `Sequence(NFC, Lowercase)`, `ByteLevel`; undefined for null. */
export function describeComponent(value: unknown, depth = 0): string | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  if (depth > 4) return value.type;
  const inner = SEQUENCE_KEYS.map((k) => value[k]).find(Array.isArray);
  if (!inner) return value.type;
  return `${value.type}(${inner.map((v: unknown) => describeComponent(v, depth + 1) ?? '?').join(', ')})`;
}

/** The registry entry for `tokenizer.json` (Hugging Face tokenizers). */
export const tokenizerJsonFormat: FormatModule<ParsedTokenizerJson> = {
  id: 'tokenizer-json',
  label: 'tokenizer.json',
  describe: 'its tokenizer (tokenizer.json, tokenizer_config.json, special_tokens_map.json)',
  readme: {
    input: '`tokenizer.json`',
    reads:
      'the model type (BPE, WordPiece, Unigram, WordLevel), vocabulary size, added and special tokens, the normalizer, pre-tokenizer, post-processor and decoder; the live tokenizer box',
  },
  extensions: ['tokenizer.json'],
  role: 'sidecar',
  json: true,
  sniff: (_head, _source, json) => isTokenizerJson(json),
  async parse(source, signal, sidecar) {
    const { value, text } = await readJsonObject(source, 'tokenizer.json', signal, sidecar);
    if (!isTokenizerJson(value)) throw new FormatError(source.name, 'model', 'expected a tokenizer model with a vocabulary');
    return { ...summarizeTokenizerJson(source.name, value, source.size), text };
  },
  contribute(parsed, source, draft) {
    const facts = tokenizerFactsOf(draft.document);
    facts.models.push(parsed.facts);
    facts.tokenizerJson ??= { file: source.name, text: parsed.text };
    if (!vocabularies.has(draft.document)) vocabularies.set(draft.document, parsed.vocabulary);
    const { type, vocabSize, bytes, parseMs } = parsed.facts;
    draft.document.files.push({ format: 'tokenizer-json', path: source.name, type, vocabSize, bytes: bytes ?? source.size, parseMs: parseMs ?? 0 });
  },
  finish: lintTokenizerGroup,
};
