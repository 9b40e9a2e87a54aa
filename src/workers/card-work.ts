import type { Diagnostic } from '../model/diagnostic';
import { draftCard } from '../card/draft-card';
import { lintCard } from '../card/lint-card';
import { parseCardMetadata } from '../card/parse-card-metadata';
import { renderCard } from '../card/render-card';
import { modelIndexTable, type ModelIndexRow } from '../card/validate-card-metadata';
import { whatIsShared, type SharedItem } from '../card/what-is-shared';
import { splitFrontMatter } from '../formats/card/card-format';
import type { ModelCard, ModelDocument } from '../model/document';

/** What the Card view asks for: the README text being previewed, and the facts it is checked against. */
export interface CardRequest {
  text: string;
  path: string;
  /** Base for relative links and images, for a card read from a Hub repo. */
  repoBase?: string;
  allowRemoteImages: boolean;
  /** The document without its tensors and graphs: the facts the consistency lint and the checklist need. */
  document?: ModelDocument;
}

export interface CardResult {
  html: string;
  remoteImages: number;
  lints: Diagnostic[];
  metadata?: Record<string, unknown>;
  modelIndex: ModelIndexRow[];
  shared: SharedItem[];
}

/**
 * Renders, lints and checks a card. It runs in the parse worker: a 5 MB hostile card takes
 * seconds to parse, and the page must stay responsive while it does.
 */
export function cardWork(request: CardRequest): CardResult {
  const card: ModelCard = { path: request.path, ...splitFrontMatter(request.text) };
  const rendered = renderCard(card.body, { repoBase: request.repoBase, allowRemoteImages: request.allowRemoteImages });
  const parsed = card.frontMatter === undefined ? undefined : parseCardMetadata(card.frontMatter);
  const lints = [...lintCard(card, request.document), ...rendered.removed];
  const shared = request.document ? whatIsShared({ ...request.document, card }) : [];
  return { html: rendered.html, remoteImages: rendered.remoteImages, lints, metadata: parsed?.data, modelIndex: modelIndexTable(parsed?.data), shared };
}

/** A README.md draft from the model's facts, the template's sections marked for the author. */
export function draftWork(document: ModelDocument): string {
  return draftCard(document);
}
