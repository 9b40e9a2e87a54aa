import { Tokenizer } from '@huggingface/tokenizers';
import { FormatError } from '../../model/errors';

export interface Tokenized {
  ids: number[];
  tokens: string[];
}

/** A tokenizer.json made usable: @huggingface/tokenizers does the work (never a hand-written tokenizer). */
export interface TextTokenizer {
  encode(text: string, addSpecialTokens?: boolean): Tokenized;
  decode(ids: readonly number[]): string;
  /** One token's text as the vocabulary writes it (`Ġthe`), or undefined for an id out of range. */
  tokenOf(id: number): string | undefined;
}

/** Builds the tokenizer from tokenizer.json's text and tokenizer_config.json's object; a typed error naming the file otherwise. */
export function createTextTokenizer(file: string, tokenizerJson: string, tokenizerConfig: Record<string, unknown> = {}): TextTokenizer {
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(JSON.parse(tokenizerJson) as object, tokenizerConfig);
  } catch (error) {
    throw new FormatError(file, 'model', `the tokenizer cannot be built: ${error instanceof Error ? error.message : String(error)}`);
  }
  const unk = tokenizer.token_to_id(typeof tokenizerConfig.unk_token === 'string' ? tokenizerConfig.unk_token : '<unk>');
  return {
    encode(text, addSpecialTokens = true) {
      const encoding = tokenizer.encode(text, { add_special_tokens: addSpecialTokens });
      // The library leaves a WordLevel word it does not know without an id; the model reads it as the unknown token.
      return { ids: encoding.ids.map((id) => id ?? unk ?? -1), tokens: encoding.tokens };
    },
    decode: (ids) => tokenizer.decode([...ids]),
    tokenOf: (id) => tokenizer.id_to_token(id),
  };
}
