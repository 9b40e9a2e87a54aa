import type { ConfigFacts } from '../../model/config-facts';
import type { Diagnostic } from '../../model/document';
import { tokenIds } from './json-object';
import { renderChatTemplate, SAMPLE_CONVERSATION } from './render-chat-template';
import { flagTemplateRisks } from './template-risks';
import { templateKey, type ChatTemplateFacts, type SpecialRole, type TemplateFlag, type TokenizerFacts } from './tokenizer-facts';

/** What the lint compares the tokenizer files with. */
export interface TokenizerLintInput {
  tokenizer: TokenizerFacts;
  /** config.json: its path, raw object and derived facts. */
  config?: { path: string; raw: Record<string, unknown>; facts?: ConfigFacts };
  /** The token embedding's rows, from the weights. */
  embedding?: { tensor: string; file: string; rows: number };
  /** tokenizer.json's token → id (vocabulary and added tokens). */
  vocabulary?: ReadonlyMap<string, number>;
}

export interface TokenizerLint {
  diagnostics: Diagnostic[];
  flags: Record<string, TemplateFlag[]>;
}

/** Every diagnostic code the lint writes, so that the lint can be run again (each format's finish) without duplicates. */
export const TOKENIZER_LINT_CODES = new Set([
  'tokenizer-special-id-mismatch',
  'template-terminator-not-stop',
  'tokenizer-vocab-size-mismatch',
  'tokenizer-special-token-missing',
  'tokenizer-max-length-exceeds-positions',
  'template-gguf-differs',
  'template-render-failed',
  'template-url',
  'template-content-condition',
  'template-system-injection',
  'template-invisible-unicode',
  'template-long',
  'template-jinja-feature',
]);

const ROLES_CHECKED: readonly SpecialRole[] = ['bos', 'eos', 'pad'];
/** Marks the assistant's turn when looking for what the template writes after it. */
const ASSISTANT_MARKER = 'LOUPE-ASSISTANT-TURN-7f3a';

/** The consistency lint over a model's tokenizer, templates, generation config and config. Pure. */
export function lintTokenizer(input: TokenizerLintInput): TokenizerLint {
  const { tokenizer } = input;
  const diagnostics: Diagnostic[] = [];
  const idOf = makeIdLookup(input);
  const roleTokens = { ...tokenizer.specialTokensMap?.specialTokens, ...tokenizer.config?.specialTokens };

  // 1. BOS/EOS/PAD ids of every file that states one.
  for (const role of ROLES_CHECKED) {
    const claims: { file: string; ids: number[]; text?: string }[] = [];
    const fromConfig = input.config && tokenIds(input.config.raw[`${role}_token_id`]);
    if (input.config && fromConfig) claims.push({ file: input.config.path, ids: fromConfig });
    const generation = tokenizer.generation;
    const fromGeneration = generation && { bos: generation.bosTokenId, eos: generation.eosTokenId, pad: generation.padTokenId }[role as 'bos' | 'eos' | 'pad'];
    if (generation && fromGeneration) claims.push({ file: generation.file, ids: fromGeneration });
    for (const holder of [tokenizer.config, tokenizer.specialTokensMap]) {
      const text = holder?.specialTokens[role];
      const id = text === undefined ? undefined : idOf(text);
      if (holder && text !== undefined && id !== undefined) claims.push({ file: holder.file, ids: [id], text });
    }
    for (const model of tokenizer.models) {
      const id = model.specialIds?.[role];
      if (id !== undefined) claims.push({ file: model.file, ids: [id] });
    }
    const disjoint = claims.some((a, i) => claims.slice(i + 1).some((b) => !a.ids.some((id) => b.ids.includes(id))));
    if (disjoint) {
      const said = claims.map((c) => `${c.file}: ${c.text !== undefined ? `${c.text} = ` : ''}${c.ids.join(', ')}`).join('; ');
      diagnostics.push({
        severity: role === 'eos' ? 'error' : 'warning',
        code: 'tokenizer-special-id-mismatch',
        field: `${role}_token_id`,
        file: claims.map((c) => c.file).join(', '),
        message: `The ${role.toUpperCase()} token differs between files (${said})${role === 'eos' ? ': generation may never stop, or stop early' : ''}.`,
      });
    }
  }

  // 2. Templates: render, find the turn terminator, flag risks.
  const flags: Record<string, TemplateFlag[]> = {};
  const stopIds = tokenizer.generation?.eosTokenId ?? (input.config ? tokenIds(input.config.raw.eos_token_id) : undefined);
  const stopFile = tokenizer.generation?.file ?? input.config?.path;
  const specials = knownSpecialTokens(tokenizer);
  for (const template of tokenizer.templates) {
    const key = templateKey(template);
    flags[key] = flagTemplateRisks(template.source);
    for (const flag of flags[key]) {
      diagnostics.push({
        severity: 'warning',
        code: flag.code,
        file: template.file,
        field: templateField(template, flag.line),
        message: `Chat template${named(template)}: ${flag.message}.`,
      });
    }
    const rendered = renderChatTemplate(template.source, { messages: SAMPLE_CONVERSATION, addGenerationPrompt: true, specialTokens: roleTokens });
    if (!rendered.ok) {
      diagnostics.push({
        severity: 'error',
        code: 'template-render-failed',
        file: template.file,
        field: templateField(template),
        message: `Chat template${named(template)} fails to render the sample conversation: ${rendered.error}`,
      });
      continue;
    }
    const terminator = turnTerminator(template, roleTokens, specials);
    if (terminator === undefined || !stopIds || !stopFile) continue;
    const id = idOf(terminator);
    if (id === undefined || !stopIds.includes(id)) {
      diagnostics.push({
        severity: 'error',
        code: 'template-terminator-not-stop',
        file: `${template.file}, ${stopFile}`,
        field: 'eos_token_id',
        message: `Chat template${named(template)} ends the assistant's turn with ${terminator}${id === undefined ? '' : ` (id ${id})`}, which is not among the stop ids of ${stopFile} (${stopIds.join(', ')}): generation runs past the end of the turn.`,
      });
    }
  }

  // 3. Vocabulary size against config.vocab_size and the embedding rows.
  const model = tokenizer.models[0];
  if (model) {
    const against: { what: string; file: string; rows: number }[] = [];
    if (input.config?.facts?.vocabSize !== undefined) against.push({ what: 'vocab_size', file: input.config.path, rows: input.config.facts.vocabSize });
    if (input.embedding) against.push({ what: `the rows of ${input.embedding.tensor}`, file: input.embedding.file, rows: input.embedding.rows });
    for (const other of against) {
      if (other.rows === model.vocabSize) continue;
      const larger = model.vocabSize > other.rows;
      diagnostics.push({
        severity: larger ? 'error' : 'info',
        code: 'tokenizer-vocab-size-mismatch',
        file: `${model.file}, ${other.file}`,
        field: 'vocab_size',
        message: larger
          ? `The tokenizer has ${model.vocabSize} ids but ${other.what} is ${other.rows}: ids from ${other.rows} up index past the embedding.`
          : `The tokenizer has ${model.vocabSize} ids and ${other.what} is ${other.rows}: the embedding has ${other.rows - model.vocabSize} rows no token uses (often padding to a multiple).`,
      });
    }
  }

  // 4. Special tokens the vocabulary lacks.
  if (input.vocabulary) {
    const decoder = new Set(tokenizer.config?.addedTokensDecoder.map((t) => t.content));
    for (const holder of [tokenizer.config, tokenizer.specialTokensMap]) {
      if (!holder) continue;
      const tokens = [
        ...Object.entries(holder.specialTokens).map(([role, text]) => [`${role}_token`, text] as const),
        ...holder.additionalSpecialTokens.map((t) => ['additional_special_tokens', t] as const),
      ];
      for (const [field, text] of tokens) {
        if (text === undefined || input.vocabulary.has(text) || decoder.has(text)) continue;
        diagnostics.push({
          severity: 'warning',
          code: 'tokenizer-special-token-missing',
          file: `${holder.file}, ${tokenizer.models[0]?.file ?? 'tokenizer.json'}`,
          field,
          message: `The special token ${text} (${field} in ${holder.file}) is not in the tokenizer's vocabulary.`,
        });
      }
    }
  }

  // 5. model_max_length beyond the positions.
  const maxLength = tokenizer.config?.modelMaxLength;
  const positions = input.config?.facts?.maxPositions;
  if (maxLength !== undefined && positions !== undefined && maxLength > positions && input.config) {
    diagnostics.push({
      severity: 'warning',
      code: 'tokenizer-max-length-exceeds-positions',
      file: `${tokenizer.config!.file}, ${input.config.path}`,
      field: 'model_max_length',
      message: `model_max_length is ${maxLength} but the model has ${positions} positions (max_position_embeddings): inputs the tokenizer accepts run past them.`,
    });
  }

  // 6. A GGUF's embedded template against the repo's.
  const gguf = tokenizer.templates.find((t) => t.origin === 'gguf' && t.name === 'default');
  const repo = tokenizer.templates.find((t) => t.origin !== 'gguf' && t.name === 'default');
  if (gguf && repo && gguf.source.trim() !== repo.source.trim()) {
    diagnostics.push({
      severity: 'warning',
      code: 'template-gguf-differs',
      file: `${gguf.file}, ${repo.file}`,
      field: 'tokenizer.chat_template',
      message: `The chat template embedded in ${gguf.file} differs from the one in ${repo.file}: a runtime using the GGUF formats conversations differently.`,
    });
  }
  return { diagnostics, flags };
}

function named(template: ChatTemplateFacts): string {
  return template.name === 'default' ? '' : ` "${template.name}"`;
}

function templateField(template: ChatTemplateFacts, line?: number): string {
  const base =
    template.origin === 'tokenizer_config.json'
      ? template.name === 'default'
        ? 'chat_template'
        : `chat_template.${template.name}`
      : template.origin === 'gguf'
        ? 'tokenizer.chat_template'
        : 'template';
  return line === undefined ? base : `${base}:${line}`;
}

function makeIdLookup(input: TokenizerLintInput): (text: string) => number | undefined {
  const decoder = new Map(input.tokenizer.config?.addedTokensDecoder.map((t) => [t.content, t.id]));
  return (text) => input.vocabulary?.get(text) ?? decoder.get(text);
}

/** Every token the files call special: added tokens marked special, and the role tokens. */
export function knownSpecialTokens(tokenizer: TokenizerFacts): string[] {
  const tokens = new Set<string>();
  for (const model of tokenizer.models) for (const t of model.addedTokens) if (t.special) tokens.add(t.content);
  for (const t of tokenizer.config?.addedTokensDecoder ?? []) if (t.special) tokens.add(t.content);
  for (const holder of [tokenizer.config, tokenizer.specialTokensMap]) {
    for (const text of Object.values(holder?.specialTokens ?? {})) if (text) tokens.add(text);
    for (const text of holder?.additionalSpecialTokens ?? []) tokens.add(text);
  }
  return [...tokens];
}

/**
 * What the template writes right after the assistant's words: the sample is rendered with a
 * marker as the assistant's content, and the special token (or `<…>` tag) that follows is the
 * turn's terminator. Undefined when nothing token-like follows (a template that writes plain text).
 */
export function turnTerminator(template: ChatTemplateFacts, roleTokens: Partial<Record<string, string>>, specials: readonly string[]): string | undefined {
  const messages = SAMPLE_CONVERSATION.map((m) => (m.role === 'assistant' ? { ...m, content: ASSISTANT_MARKER } : m));
  const rendered = renderChatTemplate(template.source, { messages, addGenerationPrompt: false, specialTokens: roleTokens });
  if (!rendered.ok) return undefined;
  const at = rendered.text.indexOf(ASSISTANT_MARKER);
  if (at < 0) return undefined;
  const after = rendered.text.slice(at + ASSISTANT_MARKER.length).replace(/^[ \t]*/, '');
  const known = [...specials].sort((a, b) => b.length - a.length).find((token) => token.length > 0 && after.startsWith(token));
  return known ?? /^<\|?[\w/]+\|?>/.exec(after)?.[0];
}
