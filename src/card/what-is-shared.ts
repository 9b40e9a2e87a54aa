import type { ModelDocument, SourceRelation as RecordRelation } from '../model/document';
import { baseName } from './guess-library-name';
import { parseCardMarkdown, markdownLinks, markdownText } from './parse-card-markdown';
import { parseCardMetadata } from './parse-card-metadata';

/** The five parts of a shared model: what runs, what defines it, what explains it, and how it was made. */
export type SharedPart = 'weights' | 'code' | 'card' | 'training-code' | 'training-data';

/** Green: shared and safe to use. Amber: shared with a caveat. Red: not shared, or unsafe. */
export type SharedStatus = 'green' | 'amber' | 'red';

/** One line of the "what is shared" checklist. */
export interface SharedItem {
  part: SharedPart;
  status: SharedStatus;
  /** What Loupe found, in a sentence. */
  detail: string;
  /** What the author can do about it; empty when nothing is needed. */
  hint: string;
  /** The links that count for this part ("linked"), when the source's record gives them. */
  links?: string[];
}

/** A card body shorter than this (in non-space characters) explains too little to count as a card. */
export const MIN_CARD_CHARS = 300;

const SAFE_EXTENSIONS = ['.safetensors', '.onnx', '.gguf'];
// Formats that load through pickle, which can run code.
const PICKLE_EXTENSIONS = ['.bin', '.pt', '.pth', '.ckpt', '.pkl', '.pickle', '.joblib'];
// Keras files can carry Lambda layers, which run code when loaded.
const KERAS_EXTENSIONS = ['.h5', '.keras'];

const CODE_HOSTS = /^https?:\/\/(?:www\.)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|git\.sr\.ht|sourceforge\.net)\/([^/\s?#]+)\/([^/\s?#]+)/i;
/** Libraries cards link to for how to run the model; a link to them is not the model's training code. */
const LIBRARY_REPOS = new Set([
  'huggingface/transformers',
  'huggingface/diffusers',
  'huggingface/peft',
  'huggingface/accelerate',
  'huggingface/datasets',
  'huggingface/huggingface_hub',
  'huggingface/optimum',
  'huggingface/transformers.js',
  'huggingface/text-generation-inference',
  'ggerganov/llama.cpp',
  'ggml-org/llama.cpp',
  'pytorch/pytorch',
  'vllm-project/vllm',
  'ollama/ollama',
  'mlfoundations/open_clip',
]);
const DATASET_LINK =
  /^https?:\/\/(?:www\.)?(?:(?:huggingface\.co|hf\.co)\/datasets\/[^/\s?#]+|kaggle\.com\/datasets\/|zenodo\.org\/records?\/|data\.mendeley\.com\/|figshare\.com\/|paperswithcode\.com\/dataset\/)/i;

/**
 * Checks which parts of the model are shared: weights (in a safe format), the code that
 * defines the model (config.json and its architecture), the card, the training code and
 * the training data (linked from the card or named in its metadata).
 */
export function whatIsShared(doc: ModelDocument): SharedItem[] {
  const names = doc.source.files.map((f) => baseName(f.path));
  const card = doc.card;
  const metadata = card?.frontMatter !== undefined ? parseCardMetadata(card.frontMatter) : undefined;
  const root = card ? parseCardMarkdown(card.body) : undefined;
  const links = root ? markdownLinks(root) : [];
  // A source's record (Zenodo) may link code and data itself, as DataCite relations.
  const related = doc.source.metadata?.related ?? [];
  return [
    weights(doc, names),
    code(doc, names),
    cardItem(card, metadata, root),
    recordTrainingCode(related) ?? trainingCode(links),
    recordTrainingData(related) ?? trainingData(metadata?.data, links),
  ];
}

const SUPPLEMENT = new Set(['issupplementedby', 'issupplementto']);
const DATA_RELATIONS = new Set(['isderivedfrom', 'references']);

/**
 * Training code the record links: software, or a code-host URL, that supplements the model
 * (isSupplementedBy/isSupplementTo), or a GitHub/GitLab repo it references.
 */
function recordTrainingCode(related: RecordRelation[]): SharedItem | undefined {
  const found = related.filter((r) => {
    const relation = r.relation.toLowerCase();
    const codeHost = r.url !== undefined && CODE_HOSTS.test(r.url);
    if (SUPPLEMENT.has(relation)) return r.resourceType === 'software' || codeHost;
    return relation === 'references' && r.url !== undefined && /^https?:\/\/(?:www\.)?(github\.com|gitlab\.com)\//i.test(r.url);
  });
  const named = unique(found.map((r) => r.url ?? r.identifier));
  if (named.length === 0) return undefined;
  return {
    part: 'training-code',
    status: 'green',
    detail: `The record links code: ${list(named)}.`,
    hint: '',
    links: unique(found.flatMap((r) => (r.url ? [r.url] : []))),
  };
}

/** Training data the record links: a dataset it is derived from or references. */
function recordTrainingData(related: RecordRelation[]): SharedItem | undefined {
  const found = related.filter(
    (r) => DATA_RELATIONS.has(r.relation.toLowerCase()) && (r.resourceType === 'dataset' || (r.url !== undefined && DATASET_LINK.test(r.url))),
  );
  const named = unique(found.map((r) => r.url ?? r.identifier));
  if (named.length === 0) return undefined;
  return {
    part: 'training-data',
    status: 'green',
    detail: `The record links datasets: ${list(named)}.`,
    hint: '',
    links: unique(found.flatMap((r) => (r.url ? [r.url] : []))),
  };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function weights(doc: ModelDocument, names: string[]): SharedItem {
  const safeFormats = doc.formats.filter((f) => f === 'safetensors' || f === 'safetensors-index' || f === 'onnx');
  const safeFiles = names.filter((n) => SAFE_EXTENSIONS.some((e) => n.endsWith(e)));
  // OpenVINO pairs model.xml with model.bin, which is raw weights, not pickle.
  const pickleFiles = names.filter((n) => PICKLE_EXTENSIONS.some((e) => n.endsWith(e)) && !(n.endsWith('.bin') && names.includes(`${n.slice(0, -4)}.xml`)));
  const kerasFiles = names.filter((n) => KERAS_EXTENSIONS.some((e) => n.endsWith(e)));
  const safe = safeFormats.length > 0 || safeFiles.length > 0;
  const pickle = doc.pickle !== undefined || doc.formats.includes('pytorch') || pickleFiles.length > 0;
  // The scan's verdict, when the pickles were scanned (`safe`: torch.load(weights_only=True) accepts them).
  const verdict = doc.pickle?.verdict;
  const pickleNames = list(pickleFiles) || 'PyTorch';
  const safeNames = [...new Set([...safeFormats.map(formatName), ...safeFiles.map(extensionName)])].join(', ');

  if (pickle && verdict === 'unsafe') {
    return {
      part: 'weights',
      status: 'red',
      detail: `Pickle files (${pickleNames}) import callables that run code when loaded${safe ? `, next to weights in ${safeNames}` : ''}.`,
      hint: 'Remove the pickle files; share the weights as .safetensors.',
    };
  }
  if (safe && pickle) {
    return {
      part: 'weights',
      status: 'amber',
      detail: `Weights in ${safeNames}, and also pickle files (${pickleNames}), which can run code when loaded.`,
      hint: 'Remove the pickle files, or tell users to load only the safe format.',
    };
  }
  if (safe) return { part: 'weights', status: 'green', detail: `Weights in ${safeNames}, a format that cannot run code.`, hint: '' };
  if (pickle && verdict === 'safe') {
    return {
      part: 'weights',
      status: 'amber',
      detail: `Weights only as pickle (${pickleNames}); every import is on PyTorch's weights-only allowlist, so torch.load(weights_only=True) loads them without running code.`,
      hint: 'Convert the weights to safetensors, so no one has to trust a pickle loader.',
    };
  }
  if (pickle) {
    return {
      part: 'weights',
      status: 'red',
      detail: `Weights only as pickle (${pickleNames}), which can run code when loaded${verdict ? ` (scan: ${verdict})` : ''}.`,
      hint: 'Convert the weights to safetensors (e.g. with the Hub\'s "convert to safetensors" Space) and share those.',
    };
  }
  if (kerasFiles.length > 0) {
    return {
      part: 'weights',
      status: 'amber',
      detail: `Weights in Keras files (${list(kerasFiles)}), which can carry code in Lambda layers.`,
      hint: 'Prefer safetensors, or avoid Lambda layers.',
    };
  }
  return { part: 'weights', status: 'red', detail: 'No weight files.', hint: 'Share the weights, preferably as .safetensors.' };
}

function code(doc: ModelDocument, names: string[]): SharedItem {
  const config = doc.config;
  if (config) {
    const architectures = config.architectures.join(', ');
    const modelType = config.modelType ? ` (model_type ${config.modelType})` : '';
    if (config.raw.auto_map !== undefined) {
      const pyFiles = names.filter((n) => n.endsWith('.py'));
      return {
        part: 'code',
        status: 'amber',
        detail: `config.json names ${architectures || 'an architecture'}${modelType} from custom code (auto_map), which needs trust_remote_code.${pyFiles.length > 0 ? ` Code files: ${list(pyFiles)}.` : ''}`,
        hint: "Users must read the repo's Python files before trusting them; upstreaming the architecture to a library avoids that.",
      };
    }
    if (architectures) return { part: 'code', status: 'green', detail: `config.json names ${architectures}${modelType}.`, hint: '' };
    return {
      part: 'code',
      status: 'amber',
      detail: `config.json names no architecture${modelType}.`,
      hint: 'Add "architectures" to config.json so libraries know which class to build.',
    };
  }
  if (doc.formats.includes('onnx')) return { part: 'code', status: 'green', detail: 'The ONNX graph carries the architecture.', hint: '' };
  if (names.some((n) => n.endsWith('.gguf'))) return { part: 'code', status: 'green', detail: 'The GGUF file names its architecture.', hint: '' };
  return {
    part: 'code',
    status: 'red',
    detail: 'No config.json: nothing says which architecture the weights belong to.',
    hint: 'Share the config.json that builds the model.',
  };
}

function cardItem(
  card: ModelDocument['card'],
  metadata: ReturnType<typeof parseCardMetadata> | undefined,
  root: ReturnType<typeof parseCardMarkdown> | undefined,
): SharedItem {
  if (!card || !root) return { part: 'card', status: 'red', detail: 'No model card (README.md).', hint: 'Write a card: Loupe can draft one from the files.' };
  const length = markdownText(root.children).replace(/\s+/g, '').length;
  if (!metadata)
    return {
      part: 'card',
      status: 'amber',
      detail: 'The card has no metadata block.',
      hint: 'Add YAML metadata (license, library_name, pipeline_tag…) between --- lines at the top.',
    };
  if (metadata.error)
    return { part: 'card', status: 'amber', detail: `The card's metadata is invalid: ${metadata.error.message}`, hint: 'Fix the YAML; the Hub rejects it.' };
  if (length < MIN_CARD_CHARS)
    return { part: 'card', status: 'amber', detail: 'The card says very little.', hint: 'Describe uses, limitations, training and evaluation.' };
  return { part: 'card', status: 'green', detail: 'A card with metadata.', hint: '' };
}

function trainingCode(links: string[]): SharedItem {
  const repos = new Set<string>();
  for (const link of links) {
    const match = CODE_HOSTS.exec(link);
    if (!match) continue;
    const repo = `${match[2]}/${(match[3] ?? '').replace(/\.git$/, '')}`;
    if (!LIBRARY_REPOS.has(repo.toLowerCase())) repos.add(`${match[1]?.toLowerCase()}/${repo}`);
  }
  if (repos.size > 0) return { part: 'training-code', status: 'green', detail: `The card links code: ${list([...repos])}.`, hint: '' };
  return {
    part: 'training-code',
    status: 'red',
    detail: 'The card links no code repository.',
    hint: 'Link the repository with the training code (GitHub, GitLab…), so others can reproduce the model.',
  };
}

function trainingData(data: Record<string, unknown> | undefined, links: string[]): SharedItem {
  const datasets = data?.datasets;
  const named = typeof datasets === 'string' ? [datasets] : Array.isArray(datasets) ? datasets.filter((d): d is string => typeof d === 'string') : [];
  if (named.length > 0) return { part: 'training-data', status: 'green', detail: `The metadata names datasets: ${list(named)}.`, hint: '' };
  const linked = [...new Set(links.filter((l) => DATASET_LINK.test(l)))];
  if (linked.length > 0) {
    return {
      part: 'training-data',
      status: 'amber',
      detail: `The card links datasets (${list(linked)}), but the metadata names none.`,
      hint: 'List them under `datasets:` in the metadata so the Hub links model and data.',
    };
  }
  return {
    part: 'training-data',
    status: 'red',
    detail: 'No training data is named or linked.',
    hint: 'Name the training datasets under `datasets:` in the metadata, or describe and link them.',
  };
}

function formatName(format: string): string {
  return format === 'onnx' ? 'ONNX' : 'safetensors';
}

function extensionName(name: string): string {
  if (name.endsWith('.onnx')) return 'ONNX';
  if (name.endsWith('.gguf')) return 'GGUF';
  return 'safetensors';
}

/** A few names, then a count: lists come from untrusted file names and cards. */
function list(items: string[], max = 5): string {
  const shown = items.slice(0, max).map((s) => (s.length > 80 ? `${s.slice(0, 77)}…` : s));
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}
