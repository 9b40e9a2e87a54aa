import type { ModelDocument } from '../../model/document';

/** The token → id map of each document's tokenizer.json, for the lint; kept out of the document, which stays small and cloneable. */
export const vocabularies = new WeakMap<ModelDocument, Map<string, number>>();
