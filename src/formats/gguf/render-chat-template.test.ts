import { describe, expect, it } from 'vitest';
import { LLAMA3_TEMPLATE } from '../../../test/fixtures/gguf-fixtures';
import { renderChatTemplate, SAMPLE_CONVERSATION } from './render-chat-template';

describe('renderChatTemplate', () => {
  it('renders the sample conversation with the generation prompt', () => {
    const result = renderChatTemplate(LLAMA3_TEMPLATE, { bos: '<|begin_of_text|>' });
    const turn = (role: string, content: string): string => `<|start_header_id|>${role}<|end_header_id|>\n\n${content}<|eot_id|>`;
    expect(result).toEqual({
      ok: true,
      text: `<|begin_of_text|>${SAMPLE_CONVERSATION.map((m) => turn(m.role, m.content)).join('')}<|start_header_id|>assistant<|end_header_id|>\n\n`,
    });
    expect(SAMPLE_CONVERSATION.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('gives a readable error for a template that does not parse', () => {
    const result = renderChatTemplate('{% for m in messages %}{{ m.content }}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^The chat template does not parse: /);
  });

  it('gives a readable error for a template that raises', () => {
    const result = renderChatTemplate("{{ raise_exception('System role not supported') }}");
    expect(result).toEqual({ ok: false, error: 'The chat template fails to render: System role not supported' });
  });

  it('never evaluates JavaScript', () => {
    const result = renderChatTemplate("{{ messages.constructor.constructor('return 1')() }}");
    expect(result.ok).toBe(false);
  });
});
