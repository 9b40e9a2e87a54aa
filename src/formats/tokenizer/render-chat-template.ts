import { Template } from '@huggingface/jinja';

export interface ChatMessage {
  role: string;
  content: string;
}

/** The sample conversation every template is rendered for (editable in the UI). */
export const SAMPLE_CONVERSATION: readonly ChatMessage[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'What is the capital of France?' },
  { role: 'assistant', content: 'The capital of France is Paris.' },
  { role: 'user', content: 'And of Italy?' },
];

export interface RenderOptions {
  messages: readonly ChatMessage[];
  addGenerationPrompt: boolean;
  /** The role tokens, as transformers passes them (`bos_token`, `eos_token`, …). */
  specialTokens?: Partial<Record<string, string>>;
}

/** The special tokens the GGUF panel passes (`bos_token`, `eos_token`), by their text. */
export interface ChatTemplateTokens {
  bos?: string;
  eos?: string;
}

/** What the parse worker's `chat-template` request answers: the text, or a sentence saying what failed. */
export type ChatTemplateResult = { ok: true; text: string } | { ok: false; error: string };

/** A failure says whether the template did not parse or raised while rendering. */
export type RenderResult = { ok: true; text: string } | { ok: false; stage: 'parse' | 'render'; error: string };

/**
 * Renders a chat template with @huggingface/jinja, which interprets its own AST (no eval, no
 * Function), so a hostile template can only produce text or fail.
 */
export function renderChatTemplate(source: string, options: RenderOptions): RenderResult {
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    return { ok: false, stage: 'parse', error: error instanceof Error ? error.message : String(error) };
  }
  try {
    const tokens = Object.fromEntries(Object.entries(options.specialTokens ?? {}).map(([role, text]) => [`${role}_token`, text ?? '']));
    const text = template.render({
      messages: options.messages.map((m) => ({ ...m })),
      add_generation_prompt: options.addGenerationPrompt,
      ...tokens,
    });
    return { ok: true, text };
  } catch (error) {
    return { ok: false, stage: 'render', error: error instanceof Error ? error.message : String(error) };
  }
}

/** A failed render in one sentence, for where the template is shown. */
export function describeTemplateFailure(result: Extract<RenderResult, { ok: false }>): string {
  return `The chat template ${result.stage === 'parse' ? 'does not parse' : 'fails to render'}: ${result.error}`;
}

/** Splits rendered text into plain runs and the special tokens it contains (longest match first), for marking them. */
export function markSpecialTokens(text: string, specials: readonly string[]): { text: string; special: boolean }[] {
  const sorted = [...new Set(specials.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  const parts: { text: string; special: boolean }[] = [];
  let plain = '';
  let i = 0;
  outer: while (i < text.length) {
    for (const token of sorted) {
      if (text.startsWith(token, i)) {
        if (plain) parts.push({ text: plain, special: false });
        plain = '';
        parts.push({ text: token, special: true });
        i += token.length;
        continue outer;
      }
    }
    plain += text[i];
    i++;
  }
  if (plain) parts.push({ text: plain, special: false });
  return parts;
}
