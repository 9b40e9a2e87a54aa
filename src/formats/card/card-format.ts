import type { ModelCard } from '../../model/document';
import { FormatError } from '../../model/errors';
import type { FormatModule } from '../format-module';

/** A model card larger than this is refused before it is read into memory. */
export const MAX_CARD_BYTES = 8 * 1024 * 1024;

/** Matches YAML front matter: `---` on the first line, then anything, then `---` on a line of its own. */
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/;

/**
 * Splits a card into its YAML front matter (unparsed) and markdown body.
 * The Hub does the same: only a block that opens the file counts as metadata.
 */
export function splitFrontMatter(text: string): { frontMatter?: string; body: string } {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { body: text };
  return { frontMatter: match[1] ?? '', body: text.slice(match[0].length) };
}

/** Decodes bytes that must be UTF-8 text; a BOM is dropped. */
export function decodeText(bytes: Uint8Array, file: string, field = 'text'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FormatError(file, field, 'is not valid UTF-8 text');
  }
}

/** True when the head looks like text: no NUL and no other C0 controls but tab, CR, LF, FF. */
export function looksLikeText(head: Uint8Array): boolean {
  for (const byte of head) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) return false;
  }
  return head.length > 0;
}

/**
 * A model card is a markdown `README.md`. Markdown cannot be told from other text by its bytes,
 * so the bytes must be text and the name must say markdown.
 */
export const cardFormat: FormatModule<ModelCard> = {
  id: 'card',
  label: 'model card',
  describe: 'a model card (README.md)',
  readme: { input: '`README.md`', reads: "the model card's front matter and body" },
  extensions: ['.md', '.markdown'],
  role: 'sidecar',
  sniff: (head, source) => /\.(md|markdown)$/i.test(source.name) && looksLikeText(head),
  async parse(source, signal) {
    if (source.size > MAX_CARD_BYTES) {
      throw new FormatError(source.name, 'size', `model card is ${source.size} bytes; the limit is ${MAX_CARD_BYTES}`);
    }
    const text = decodeText(await source.read(0, source.size, signal), source.name);
    return { path: source.name, ...splitFrontMatter(text) };
  },
  contribute(card, source, draft) {
    draft.document.card = card;
    draft.document.files.push({ format: 'card', path: source.name });
  },
};
