import { FormatError } from '../../model/errors';
import { decodeText, looksLikeText } from '../card/card-format';
import type { FormatModule } from '../format-module';
import { lintTokenizerGroup } from './lint-tokenizer-group';
import { tokenizerFactsOf, type ChatTemplateFacts } from './tokenizer-facts';

/** A template larger than this is refused unread; real ones are a few KiB, tool-use ones up to ~20 KiB. */
export const MAX_CHAT_TEMPLATE_BYTES = 1024 * 1024;

/** The registry entry for `chat_template.jinja`. Jinja cannot be told from text by its bytes, so the name decides. */
export const chatTemplateFormat: FormatModule<ChatTemplateFacts> = {
  id: 'chat-template',
  label: 'chat_template.jinja',
  readme: {
    input: '`chat_template.jinja`',
    reads: 'the chat template: highlighted, rendered in the worker for an editable sample conversation, and checked for risky constructs',
  },
  extensions: ['.jinja'],
  role: 'sidecar',
  sniff: (head, source) => /\.jinja2?$/i.test(source.name) && looksLikeText(head),
  async parse(source, signal) {
    if (source.size > MAX_CHAT_TEMPLATE_BYTES)
      throw new FormatError(source.name, 'size', `chat template is ${source.size} bytes; the limit is ${MAX_CHAT_TEMPLATE_BYTES}`);
    const text = decodeText(await source.read(0, source.size, signal), source.name);
    const name = /(?:^|\/)chat_template\.jinja2?$/i.test(source.name) ? 'default' : (source.name.split('/').pop() ?? source.name).replace(/\.jinja2?$/i, '');
    return { file: source.name, origin: 'chat_template.jinja', name, source: text };
  },
  contribute(template, source, draft) {
    tokenizerFactsOf(draft.document).templates.push(template);
    draft.document.files.push({ format: 'chat-template', path: source.name, lines: template.source.split('\n').length });
  },
  finish: lintTokenizerGroup,
};
