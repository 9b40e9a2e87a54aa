import { parseCardMetadata } from '../card/parse-card-metadata';
import type { ModelCard } from '../model/document';

/** The card fields compared first, in this order; any other field follows by name. */
const CARD_FIELDS = ['license', 'base_model', 'datasets', 'metrics', 'language', 'pipeline_tag', 'library_name', 'tags', 'model-index'];

export interface CardFieldDifference {
  field: string;
  /** Each side's value as JSON text; absent when that side lacks the field. */
  a?: string;
  b?: string;
}

function metadataOf(card: ModelCard | undefined): Record<string, unknown> {
  if (!card?.frontMatter) return {};
  return parseCardMetadata(card.frontMatter).data ?? {};
}

/** The model cards' front matter compared field by field (licence, base model, datasets, metrics first). Only differing fields are returned. */
export function compareCardMetadata(a: ModelCard | undefined, b: ModelCard | undefined): CardFieldDifference[] {
  const left = metadataOf(a);
  const right = metadataOf(b);
  const rest = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter((f) => !CARD_FIELDS.includes(f)).sort();
  const out: CardFieldDifference[] = [];
  for (const field of [...CARD_FIELDS, ...rest]) {
    const va = field in left ? JSON.stringify(left[field]) : undefined;
    const vb = field in right ? JSON.stringify(right[field]) : undefined;
    if (va !== vb) out.push({ field, a: va, b: vb });
  }
  return out;
}
