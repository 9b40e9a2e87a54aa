/**
 * What a model's tokenizer, chat templates and generation defaults say, gathered from every file
 * that holds them (tokenizer.json, tokenizer_config.json, special_tokens_map.json,
 * chat_template.jinja, generation_config.json, and a GGUF's `tokenizer.*` keys). Plain data.
 */

/** The roles a special token can have in transformers' tokenizer config. */
export type SpecialRole = 'bos' | 'eos' | 'unk' | 'pad' | 'sep' | 'cls' | 'mask';
export const SPECIAL_ROLES: readonly SpecialRole[] = ['bos', 'eos', 'unk', 'pad', 'sep', 'cls', 'mask'];

/** A token with its id and whether the tokenizer treats it as special. */
export interface TokenFact {
  id: number;
  content: string;
  special: boolean;
}

/**
 * One tokenizer model: the facts a `tokenizer.json` or a GGUF's tokenizer keys give. A GGUF module
 * fills the same shape (`origin: 'gguf'`) and pushes it to `TokenizerFacts.models`.
 */
export interface TokenizerModelFacts {
  file: string;
  origin: 'tokenizer.json' | 'gguf';
  /** BPE, WordPiece, Unigram or WordLevel (GGUF: `tokenizer.ggml.model`, e.g. `gpt2`, `llama`). */
  type: string;
  /** Distinct ids: the model's vocabulary with the added tokens (highest id + 1). */
  vocabSize: number;
  /** Entries in the model's own vocabulary, without added tokens. */
  modelVocabSize: number;
  /** BPE merges, when the model has them. */
  merges?: number;
  addedTokens: TokenFact[];
  /** Ids a GGUF states for a role (`tokenizer.ggml.eos_token_id`); tokenizer.json states none. */
  specialIds?: Partial<Record<SpecialRole, number>>;
  /** One-line summaries of the pipeline: `Sequence(NFC, Lowercase)`, `ByteLevel`… */
  normalizer?: string;
  preTokenizer?: string;
  postProcessor?: string;
  decoder?: string;
  /** Bytes of tokenizer.json and milliseconds its summary took, for the user to see what a big one costs (absent for a GGUF). */
  bytes?: number;
  parseMs?: number;
}

/** `tokenizer_config.json`. Token roles are given as text; `added_tokens_decoder` maps ids to text. */
export interface TokenizerConfigFacts {
  file: string;
  tokenizerClass?: string;
  specialTokens: Partial<Record<SpecialRole, string>>;
  additionalSpecialTokens: string[];
  modelMaxLength?: number;
  addBosToken?: boolean;
  addEosToken?: boolean;
  addedTokensDecoder: TokenFact[];
  /** The raw object, for the live tokenizer (transformers reads options such as `clean_up_tokenization_spaces` from it). */
  raw: Record<string, unknown>;
}

/** `special_tokens_map.json`. */
export interface SpecialTokensMapFacts {
  file: string;
  specialTokens: Partial<Record<SpecialRole, string>>;
  additionalSpecialTokens: string[];
}

/** `generation_config.json`: the defaults generate() uses. */
export interface GenerationFacts {
  file: string;
  bosTokenId?: number[];
  eosTokenId?: number[];
  padTokenId?: number[];
  doSample?: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxNewTokens?: number;
  maxLength?: number;
  repetitionPenalty?: number;
}

/** A chat template, by name (`default` for the unnamed one). */
export interface ChatTemplateFacts {
  file: string;
  origin: 'tokenizer_config.json' | 'chat_template.jinja' | 'gguf';
  name: string;
  source: string;
}

/** A template risk flag: a warning about a line of a template, not a verdict. */
export interface TemplateFlag {
  code: 'template-url' | 'template-content-condition' | 'template-system-injection' | 'template-invisible-unicode' | 'template-long' | 'template-jinja-feature';
  /** 1-based line of the template source. */
  line: number;
  message: string;
}

export interface TokenizerFacts {
  models: TokenizerModelFacts[];
  config?: TokenizerConfigFacts;
  specialTokensMap?: SpecialTokensMapFacts;
  generation?: GenerationFacts;
  templates: ChatTemplateFacts[];
  /** Risk flags per template, keyed `file#name`. */
  flags: Record<string, TemplateFlag[]>;
  /** The tokenizer.json text, for the live tokenizer in its worker (the document does not keep the parsed vocabulary). */
  tokenizerJson?: { file: string; text: string };
}

declare module '../../model/document' {
  interface FormatFacts {
    'tokenizer-json': { type: string; vocabSize: number; bytes: number; parseMs: number };
    'tokenizer-config': { tokenizerClass?: string };
    'special-tokens-map': object;
    'chat-template': { lines: number };
    'generation-config': object;
  }
  interface ModelDocument {
    /** The tokenizer, chat templates and generation defaults, when the group has any of their files. */
    tokenizer?: TokenizerFacts;
  }
}

/** The document's tokenizer facts, created on first use. */
export function tokenizerFactsOf(document: { tokenizer?: TokenizerFacts }): TokenizerFacts {
  return (document.tokenizer ??= { models: [], templates: [], flags: {} });
}

/** The key of a template in `TokenizerFacts.flags`. */
export function templateKey(template: Pick<ChatTemplateFacts, 'file' | 'name'>): string {
  return `${template.file}#${template.name}`;
}
