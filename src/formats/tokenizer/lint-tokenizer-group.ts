import type { DocumentDraft } from '../format-module';
import { lintTokenizer, TOKENIZER_LINT_CODES } from './lint-tokenizer';
import { vocabularies } from './vocabularies';

/** Names of the token embedding across families: Llama/Mistral/Qwen, GPT-2, BERT, Meta's originals, GGUF. */
const EMBEDDING = /(?:^|\.)(?:embed_tokens|wte|word_embeddings|tok_embeddings|token_embd)(?:\.weight)?$/;

/**
 * The finish of every tokenizer format: runs the consistency lint over the whole group. Each
 * tokenizer module finishes in turn, so the lint replaces its earlier findings rather than adding.
 */
export function lintTokenizerGroup(draft: DocumentDraft): void {
  const { document } = draft;
  if (!document.tokenizer) return;
  const embedding = document.tensors.find((t) => EMBEDDING.test(t.name) && t.shape.length === 2 && typeof t.shape[0] === 'number');
  const { diagnostics, flags } = lintTokenizer({
    tokenizer: document.tokenizer,
    config: document.config && { path: document.config.path, raw: document.config.raw, facts: document.config.facts },
    embedding: embedding && { tensor: embedding.name, file: embedding.file, rows: embedding.shape[0] as number },
    vocabulary: vocabularies.get(document),
  });
  document.warnings = document.warnings.filter((w) => !TOKENIZER_LINT_CODES.has(w.code));
  document.warnings.push(...diagnostics);
  document.tokenizer.flags = flags;
}
