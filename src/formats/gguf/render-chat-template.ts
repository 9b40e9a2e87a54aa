import { Template } from '@huggingface/jinja';

/** One chat message, as chat templates expect it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The conversation a template is tried on: system, user, assistant, user, then the generation prompt. */
export const SAMPLE_CONVERSATION: readonly ChatMessage[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'What is GGUF?' },
  { role: 'assistant', content: 'A single-file format for models run by ggml and llama.cpp.' },
  { role: 'user', content: 'Which tools read it?' },
];

/** The special tokens templates refer to (`bos_token`, `eos_token`), by their text. */
export interface ChatTemplateTokens {
  bos?: string;
  eos?: string;
}

export type ChatTemplateResult = { ok: true; text: string } | { ok: false; error: string };

/**
 * Renders a chat template (`tokenizer.chat_template`) for SAMPLE_CONVERSATION with
 * `add_generation_prompt`, using @huggingface/jinja: an interpreter, never `eval`. A template that
 * fails to parse or raises gives a readable error instead of throwing.
 */
export function renderChatTemplate(source: string, tokens: ChatTemplateTokens = {}, messages: readonly ChatMessage[] = SAMPLE_CONVERSATION): ChatTemplateResult {
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    return { ok: false, error: `The chat template does not parse: ${message(error)}` };
  }
  try {
    const text = template.render({
      messages: messages.map((m) => ({ ...m })),
      add_generation_prompt: true,
      bos_token: tokens.bos ?? '',
      eos_token: tokens.eos ?? '',
    });
    return { ok: true, text };
  } catch (error) {
    return { ok: false, error: `The chat template fails to render: ${message(error)}` };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
