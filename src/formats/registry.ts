import { cardFormat } from './card/card-format';
import { configFormat } from './config/config-format';
import type { FormatModule } from './format-module';
import { ggufFormat } from './gguf/gguf-format';
import { onnxFormat } from './onnx/onnx-format';
import { pytorchFormat } from './pytorch/pytorch-format';
import { safetensorsIndexFormat } from './safetensors/safetensors-index-format';
import { safetensorsFormat } from './safetensors/safetensors-format';
import { TOKENIZER_FORMATS } from './tokenizer/tokenizer-formats';

/**
 * Every format Loupe opens, in the order their sniffers are tried: the first that claims a file
 * wins. A new format is one folder and one line here.
 *
 * Binary formats with magic first. PyTorch after safetensors: a pickle never passes the safetensors
 * sniff, so a pickle named .safetensors lands there. JSON sidecars next (the registry reads a JSON
 * file once for all of them); the card last, since any text named `.md` is one.
 */
export const FORMATS: readonly FormatModule[] = [
  safetensorsFormat,
  onnxFormat,
  ggufFormat,
  pytorchFormat,
  safetensorsIndexFormat,
  configFormat,
  ...TOKENIZER_FORMATS,
  cardFormat,
];

/** What the user is told Loupe can open, from the formats' own phrases. */
export function describeOpenable(formats: readonly FormatModule[] = FORMATS): string {
  const phrases = formats.flatMap((f) => (f.describe ? [f.describe] : []));
  return `Loupe opens ${joinList(phrases, 'and')}.`;
}

/** `a`, `a and b`, `a, b, and c`. */
export function joinList(items: readonly string[], conjunction: 'and' | 'or' | 'nor'): string {
  if (items.length <= 2) return items.join(` ${conjunction} `);
  return `${items.slice(0, -1).join(', ')}, ${conjunction} ${items[items.length - 1]}`;
}
