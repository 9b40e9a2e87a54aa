import type { FormatModule } from '../format-module';
import { chatTemplateFormat } from './chat-template-format';
import { generationConfigFormat } from './generation-config-format';
import { specialTokensMapFormat } from './special-tokens-map-format';
import { tokenizerConfigFormat } from './tokenizer-config-format';
import { tokenizerJsonFormat } from './tokenizer-json-format';

/**
 * The tokenizer's files, in sniff order (after config.json, whose keys none of them has): the
 * tokenizer itself, its config, generation defaults (no tokenizer keys), the special tokens map
 * (only role keys), and `*.jinja` templates, told apart by name.
 */
export const TOKENIZER_FORMATS: readonly FormatModule[] = [
  tokenizerJsonFormat,
  tokenizerConfigFormat,
  generationConfigFormat,
  specialTokensMapFormat,
  chatTemplateFormat,
];
