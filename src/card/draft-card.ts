import { stringify } from 'yaml';
import type { ModelDocument } from '../model/document';
import { guessPipelineTag } from './architecture-pipelines';
import { guessLibraryName } from './guess-library-name';
import { parseCardMetadata } from './parse-card-metadata';
import { modelIndexTable } from './validate-card-metadata';
import { formatBytes, formatCount, formatInteger } from '../model/units';

/** What the template writes for every field nobody filled in; lint-card-completeness looks for it. */
export const MORE_INFORMATION_NEEDED = '[More Information Needed]';

/** Files listed in a draft; a repo with more gets a count. */
export const MAX_DRAFT_FILES = 40;

/** Evaluation rows copied from `model-index` into a draft's Results. */
export const MAX_DRAFT_RESULTS = 100;

/** Graph inputs and outputs listed in a draft. */
export const MAX_DRAFT_VALUES = 20;

const TODO = MORE_INFORMATION_NEEDED;

/**
 * Drafts a README.md for the model: YAML metadata with the library and task Loupe can tell
 * from the files (and any valid metadata the existing card has), then the Hugging Face
 * template's sections, with the facts Loupe knows filled in and the rest left as
 * "[More Information Needed]". File names and config values are untrusted, so they are
 * quoted as code or escaped.
 */
export function draftCard(doc: ModelDocument): string {
  const existing = doc.card?.frontMatter !== undefined ? parseCardMetadata(doc.card.frontMatter).data : undefined;
  const config = doc.config;
  const paths = doc.source.files.map((f) => f.path);
  const library = typeof existing?.library_name === 'string' ? existing.library_name : guessLibraryName(paths, config);
  const pipeline = typeof existing?.pipeline_tag === 'string' ? existing.pipeline_tag : guessPipelineTag(config?.architectures ?? [], config?.modelType);
  const name = modelName(doc);

  return [frontMatter(existing, library, pipeline, config?.modelType), body(doc, name, library, pipeline, existing)].join('\n');
}

function frontMatter(
  existing: Record<string, unknown> | undefined,
  library: string | undefined,
  pipeline: string | undefined,
  modelType: string | undefined,
): string {
  const data: Record<string, unknown> = { ...existing };
  if (library && data.library_name === undefined) data.library_name = library;
  if (pipeline && data.pipeline_tag === undefined) data.pipeline_tag = pipeline;
  if (modelType && data.tags === undefined) data.tags = [modelType];
  const lines = ['---'];
  if (data.license === undefined) {
    lines.push('# license: apache-2.0  # pick the id that applies: https://huggingface.co/docs/hub/repositories-licenses');
  }
  if (data.base_model === undefined) lines.push('# base_model: org/name  # the model this one was fine-tuned, quantized or merged from');
  if (data.datasets === undefined) lines.push('# datasets:\n#   - org/dataset  # the training data, as Hub dataset ids');
  const yaml = Object.keys(data).length > 0 ? stringify(data, { lineWidth: 0 }).trimEnd() : '';
  if (yaml) lines.push(yaml);
  lines.push('---', '');
  return lines.join('\n');
}

function body(
  doc: ModelDocument,
  name: string,
  library: string | undefined,
  pipeline: string | undefined,
  existing: Record<string, unknown> | undefined,
): string {
  const config = doc.config;
  const facts = config?.facts;
  const lines: string[] = [];
  const push = (...more: string[]): void => {
    lines.push(...more);
  };

  push(`# Model Card for ${escapeMarkdown(name)}`, '', '<!-- Drafted by Loupe from the model files. Replace every [More Information Needed]. -->', '');
  push('## Model Details', '', '### Model Description', '');
  push(`- **Developed by:** ${TODO}`, `- **Funded by [optional]:** ${TODO}`, `- **Shared by [optional]:** ${TODO}`);
  push(`- **Model type:** ${config?.modelType ? code(config.modelType) : TODO}`);
  if (config && config.architectures.length > 0) push(`- **Architecture:** ${config.architectures.map(code).join(', ')}`);
  const parameters = parameterLine(doc);
  if (parameters) push(`- **Parameters:** ${parameters}`);
  const dtypes = dtypeLine(doc);
  if (dtypes) push(`- **Weights:** ${dtypes}`);
  push(`- **Language(s) (NLP):** ${TODO}`, `- **License:** ${TODO}`, `- **Finetuned from model [optional]:** ${TODO}`, '');
  push(
    '### Model Sources [optional]',
    '',
    `- **Repository:** ${doc.source.repo ? `https://huggingface.co/${escapeMarkdown(doc.source.repo.id)}` : TODO}`,
    `- **Paper [optional]:** ${TODO}`,
    `- **Demo [optional]:** ${TODO}`,
    '',
  );

  push('## Uses', '', '### Direct Use', '', TODO, '', '### Downstream Use [optional]', '', TODO, '', '### Out-of-Scope Use', '', TODO, '');
  push('## Bias, Risks, and Limitations', '', TODO, '', '### Recommendations', '', TODO, '');

  push('## How to Get Started with the Model', '');
  const snippet = usageSnippet(doc, library, pipeline);
  push(...(snippet ? [snippet] : [TODO]), '');

  push(
    '## Training Details',
    '',
    '### Training Data',
    '',
    TODO,
    '',
    '### Training Procedure',
    '',
    '#### Preprocessing [optional]',
    '',
    TODO,
    '',
    '#### Training Hyperparameters',
    '',
  );
  push(`- **Training regime:** ${facts?.dtype ? `${TODO} (the weights are stored in ${code(facts.dtype)})` : TODO}`, '');
  push('#### Speeds, Sizes, Times [optional]', '', TODO, '');

  push(
    '## Evaluation',
    '',
    '### Testing Data, Factors & Metrics',
    '',
    '#### Testing Data',
    '',
    TODO,
    '',
    '#### Factors',
    '',
    TODO,
    '',
    '#### Metrics',
    '',
    TODO,
    '',
  );
  push('### Results', '', ...resultsTable(existing), '', '#### Summary', '', TODO, '');
  push(
    '## Environmental Impact',
    '',
    `- **Hardware Type:** ${TODO}`,
    `- **Hours used:** ${TODO}`,
    `- **Cloud Provider:** ${TODO}`,
    `- **Compute Region:** ${TODO}`,
    `- **Carbon Emitted:** ${TODO}`,
    '',
  );

  push('## Technical Specifications [optional]', '', '### Model Architecture and Objective', '');
  const architecture = architectureLines(doc);
  push(...(architecture.length > 0 ? architecture : [TODO]), '');
  const io = inputOutputLines(doc);
  if (io.length > 0) push('#### Inputs and outputs', '', ...io, '');
  push('### Files', '', ...fileLines(doc), '');
  push('### Compute Infrastructure', '', '#### Hardware', '', TODO, '', '#### Software', '', library ? `- ${code(library)}` : TODO, '');

  push('## Citation [optional]', '', '**BibTeX:**', '', TODO, '', '## Model Card Authors [optional]', '', TODO, '', '## Model Card Contact', '', TODO, '');
  return lines.join('\n');
}

function modelName(doc: ModelDocument): string {
  if (doc.source.repo) return doc.source.repo.id;
  const first = doc.source.files[0]?.path ?? '';
  const slash = first.indexOf('/');
  return slash > 0 ? first.slice(0, slash) : 'this model';
}

function parameterLine(doc: ModelDocument): string | undefined {
  const fromWeights = doc.parameters.total;
  if (fromWeights > 0) return `${formatCount(fromWeights)} (${formatInteger(fromWeights)}), counted from the weights`;
  const estimate = doc.config?.estimate?.estimate;
  if (estimate) return `${formatCount(estimate.total)} (${formatInteger(estimate.total)}), estimated from config.json`;
  return undefined;
}

function dtypeLine(doc: ModelDocument): string | undefined {
  const entries = Object.entries(doc.parameters.byDtype).filter(([, count]) => (count ?? 0) > 0);
  if (entries.length === 0) return undefined;
  const formats = [...new Set(doc.formats.filter((f) => f === 'safetensors' || f === 'onnx' || f === 'pytorch'))];
  const parts = entries.map(([dtype, count]) => {
    const bytes = doc.parameters.bytesByDtype[dtype as keyof typeof doc.parameters.bytesByDtype];
    return `${code(dtype)} ${formatCount(count ?? 0)}${bytes ? ` (${formatBytes(bytes)})` : ''}`;
  });
  return `${parts.join(', ')}${formats.length > 0 ? `, in ${formats.join(' and ')}` : ''}`;
}

function architectureLines(doc: ModelDocument): string[] {
  const facts = doc.config?.facts;
  if (!facts) return [];
  const rows: [string, number | string | boolean | undefined][] = [
    ['Hidden size', facts.hiddenSize],
    ['Layers', facts.numLayers],
    ['Attention heads', facts.numHeads],
    ['Key/value heads', facts.numKvHeads],
    ['Head dimension', facts.headDim],
    ['MLP width', facts.intermediateSize],
    ['Vocabulary', facts.vocabSize],
    ['Context length', facts.maxPositions],
    ['Tied embeddings', facts.tieWordEmbeddings],
    ['Experts (total / per token)', facts.experts ? `${facts.experts.total} / ${facts.experts.perToken}` : undefined],
  ];
  const known = rows.filter(([, value]) => value !== undefined);
  if (known.length === 0) return [];
  return ['| Setting | Value |', '|---|---|', ...known.map(([label, value]) => `| ${label} | ${escapeTableCell(String(value))} |`)];
}

/** The main graph's inputs (not its initializers) and outputs, for ONNX models. */
function inputOutputLines(doc: ModelDocument): string[] {
  const graph = doc.graphs?.[0];
  if (!graph) return [];
  const initializers = new Set(graph.initializers);
  const values = [
    ...graph.inputs.filter((v) => !initializers.has(v.name)).map((v) => ({ role: 'input', value: v })),
    ...graph.outputs.map((v) => ({ role: 'output', value: v })),
  ];
  if (values.length === 0) return [];
  const rows = values.slice(0, MAX_DRAFT_VALUES).map(({ role, value }) => {
    const type = value.type;
    const described =
      type.kind === 'tensor' || type.kind === 'sparse_tensor'
        ? `${String(type.elemType)}${type.shape ? ` ${type.shape.map(String).join(' × ')}` : ''}`
        : type.kind;
    return `| ${role} | ${escapeTableCell(value.name)} | ${escapeTableCell(described)} |`;
  });
  if (values.length > MAX_DRAFT_VALUES) rows.push(`| | …and ${values.length - MAX_DRAFT_VALUES} more | |`);
  return ['| | Name | Type |', '|---|---|---|', ...rows];
}

function fileLines(doc: ModelDocument): string[] {
  const files = doc.source.files;
  if (files.length === 0) return [TODO];
  const lines = files.slice(0, MAX_DRAFT_FILES).map((f) => `- ${code(f.path)} (${formatBytes(f.size)})`);
  if (files.length > MAX_DRAFT_FILES) lines.push(`- …and ${files.length - MAX_DRAFT_FILES} more files`);
  return lines;
}

function resultsTable(existing: Record<string, unknown> | undefined): string[] {
  const rows = modelIndexTable(existing).slice(0, MAX_DRAFT_RESULTS);
  if (rows.length === 0) return [TODO];
  return [
    '| Task | Dataset | Metric | Value |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${[r.task, r.dataset, r.metric, String(r.value)].map(escapeTableCell).join(' | ')} |`),
  ];
}

function usageSnippet(doc: ModelDocument, library: string | undefined, pipeline: string | undefined): string | undefined {
  const id = JSON.stringify(doc.source.repo?.id ?? 'path/to/model');
  if (library === 'transformers' && pipeline) {
    return ['```python', 'from transformers import pipeline', '', `pipe = pipeline(${JSON.stringify(pipeline)}, model=${id})`, '```'].join('\n');
  }
  if (library === 'transformers') {
    return ['```python', 'from transformers import AutoModel', '', `model = AutoModel.from_pretrained(${id})`, '```'].join('\n');
  }
  if (library === 'sentence-transformers') {
    return ['```python', 'from sentence_transformers import SentenceTransformer', '', `model = SentenceTransformer(${id})`, '```'].join('\n');
  }
  return undefined;
}

/** An inline code span that holds any text: the fence is longer than any backtick run inside. */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = (flat.match(/`+/g) ?? []).reduce((max, run) => Math.max(max, run.length), 0);
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Backslash-escapes the punctuation that means something inside a line, so untrusted text stays text. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]#|<>~&$^]/g, (c) => `\\${c}`);
}

function escapeTableCell(text: string): string {
  return escapeMarkdown(text);
}
