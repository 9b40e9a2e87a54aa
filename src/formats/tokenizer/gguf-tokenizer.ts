import type { ModelDocument } from '../../model/document';
import type { GgufFacts } from '../gguf/gguf-facts';
import { tokenizerFactsOf, type SpecialRole, type TokenizerModelFacts } from './tokenizer-facts';

/**
 * A GGUF's tokenizer keys (`tokenizer.ggml.*`, `tokenizer.chat_template`) into the same
 * TokenizerFacts the tokenizer.json module fills, so the lint and the Tokenizer section treat
 * them alike.
 */
export function addGgufTokenizer(document: ModelDocument, file: string, facts: Pick<GgufFacts, 'tokenizer' | 'chatTemplate'>): void {
  const { tokenizer, chatTemplate } = facts;
  if (!tokenizer && chatTemplate === undefined) return;
  const target = tokenizerFactsOf(document);
  if (tokenizer) {
    const specialIds: Partial<Record<SpecialRole, number>> = {};
    for (const token of tokenizer.special) if (token.role !== 'eot') specialIds[token.role] = token.id;
    const model: TokenizerModelFacts = {
      file,
      origin: 'gguf',
      type: tokenizer.model ?? 'unknown',
      vocabSize: tokenizer.vocabSize ?? 0,
      modelVocabSize: tokenizer.vocabSize ?? 0,
      ...(tokenizer.merges !== undefined ? { merges: tokenizer.merges } : {}),
      addedTokens: tokenizer.special.flatMap((t) => (t.text === undefined ? [] : [{ id: t.id, content: t.text, special: true }])),
      specialIds,
      ...(tokenizer.pre !== undefined ? { preTokenizer: tokenizer.pre } : {}),
    };
    target.models.push(model);
  }
  if (chatTemplate !== undefined) target.templates.push({ file, origin: 'gguf', name: 'default', source: chatTemplate });
}
