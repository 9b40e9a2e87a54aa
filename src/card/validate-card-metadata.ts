import { ALL_MODEL_LIBRARY_KEYS, PIPELINE_TYPES } from '@huggingface/tasks';
import { isRecord } from '../model/is-record';
import type { Diagnostic } from '../model/diagnostic';
import { HUB_LICENSE_IDS } from './hub-license-ids';
import { ISO_639_1_CODES } from './iso-639-1-codes';

/** How a model relates to its `base_model`, as the Hub defines `base_model_relation`. */
export const BASE_MODEL_RELATIONS: readonly string[] = ['adapter', 'merge', 'quantized', 'finetune'];

/** Model-index problems reported one by one; past this, one summary item (a huge broken index would drown the rest). */
export const MAX_MODEL_INDEX_LINTS = 50;

/** Rows of an evaluation table kept from `model-index`; more are dropped. */
export const MAX_MODEL_INDEX_ROWS = 2000;

/** `language` values the Hub accepts besides language codes. */
const SPECIAL_LANGUAGES = ['multilingual', 'code'];

/** Names people write in `library_name` that are file formats the Hub detects by itself. */
const FORMAT_NAMES = ['onnx', 'gguf', 'safetensors', 'pytorch', 'tensorflow', 'jax', 'tflite', 'coreml'];

const LICENSES = new Set(HUB_LICENSE_IDS);
const LANGUAGES = new Set(ISO_639_1_CODES);
const PIPELINES = new Set<string>(PIPELINE_TYPES);
const LIBRARIES = new Set<string>(ALL_MODEL_LIBRARY_KEYS);

/** Hub repo ids: `org/name`, word characters, dots and dashes, no `--` or `..`, at most 96 characters per part. */
const REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[\w][\w.-]{0,95}$/;
const LEGACY_REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}$/;
const HUB_URL = /^https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/(?:(datasets|spaces)\/)?([^/?#]+(?:\/[^/?#]+)?)/i;

/** One row of an evaluation table built from `model-index`. */
export interface ModelIndexRow {
  /** The `name` of the model-index entry. */
  model: string;
  /** `task.name`, else `task.type`. */
  task: string;
  /** `dataset.name`, else `dataset.type`, with config and split when given. */
  dataset: string;
  /** `metrics[].name`, else `metrics[].type`. */
  metric: string;
  value: number | string;
}

/**
 * Checks card metadata against the Hub's rules: license ids, language codes, library and
 * pipeline ids, list shapes, base model ids and the model-index schema.
 */
export function validateCardMetadata(data: Record<string, unknown>): Diagnostic[] {
  const lints: Diagnostic[] = [];
  checkLicense(data, lints);
  checkLanguage(data.language, lints);
  checkLibrary(data.library_name, lints);
  checkPipeline(data.pipeline_tag, lints);
  checkStringList(data.tags, 'tags', lints);
  checkDatasets(data.datasets, lints);
  checkBaseModel(data, lints);
  if (data['model-index'] !== undefined) checkModelIndex(data['model-index'], lints);
  return lints;
}

function checkLicense(data: Record<string, unknown>, lints: Diagnostic[]): void {
  const license = data.license;
  if (license === undefined || license === null) {
    lints.push({
      severity: 'warning',
      code: 'license-missing',
      field: 'license',
      message: 'No `license`: the Hub will show none, and users cannot tell whether they may use the model.',
    });
    return;
  }
  if (typeof license !== 'string') {
    lints.push({ severity: 'error', code: 'license-type', field: 'license', message: `\`license\` must be one license id, not ${describe(license)}.` });
    return;
  }
  if (!LICENSES.has(license)) {
    const normalized = license
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-')
      .replace(/^apache-?(\d)/, 'apache-$1');
    const suggestion = LICENSES.has(normalized) ? ` Write \`${normalized}\`.` : ' For another license, write `other` with `license_name` and `license_link`.';
    lints.push({
      severity: 'error',
      code: 'license-unknown',
      field: 'license',
      message: `\`${clip(license)}\` is not a license id the Hub knows.${suggestion}`,
    });
    return;
  }
  if (license === 'unknown') {
    lints.push({
      severity: 'info',
      code: 'license-unknown-value',
      field: 'license',
      message: '`license: unknown` tells users nothing about what they may do with the model.',
    });
  }
  if (license !== 'other') {
    for (const key of ['license_name', 'license_link']) {
      if (data[key] !== undefined) {
        lints.push({ severity: 'info', code: 'license-extra', field: key, message: `\`${key}\` is only read when \`license\` is \`other\`.` });
      }
    }
    return;
  }
  const name = data.license_name;
  if (typeof name !== 'string' || name.trim() === '') {
    lints.push({
      severity: 'error',
      code: 'license-name-missing',
      field: 'license_name',
      message: '`license: other` needs a `license_name` (a short id such as `my-model-license`).',
    });
  } else if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    lints.push({
      severity: 'warning',
      code: 'license-name-format',
      field: 'license_name',
      message: '`license_name` should be a short id: lower-case letters, digits, dots and dashes.',
    });
  }
  const link = data.license_link;
  if (typeof link !== 'string' || link.trim() === '') {
    lints.push({
      severity: 'error',
      code: 'license-link-missing',
      field: 'license_link',
      message: '`license: other` needs a `license_link`: a URL, or the path of the license file in the repo (e.g. `LICENSE`).',
    });
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(link) && !/^https?:\/\//i.test(link)) {
    lints.push({
      severity: 'warning',
      code: 'license-link-format',
      field: 'license_link',
      message: '`license_link` should be an http(s) URL or a path in the repo.',
    });
  }
}

/**
 * Languages: ISO 639-1 codes are checked against the list. Three-letter codes (ISO 639-2/3)
 * are accepted by the Hub but not checked here (info). Region or script forms (`en-US`,
 * `zh-Hans`) are warned about: the Hub's language filter matches the base code.
 */
function checkLanguage(value: unknown, lints: Diagnostic[]): void {
  if (value === undefined || value === null) {
    lints.push({
      severity: 'info',
      code: 'language-missing',
      field: 'language',
      message: 'No `language`: for a model that reads or writes text, list its languages (ISO 639-1 codes such as `en`).',
    });
    return;
  }
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!items) {
    lints.push({
      severity: 'error',
      code: 'language-type',
      field: 'language',
      message: `\`language\` must be a code or a list of codes, not ${describe(value)}.`,
    });
    return;
  }
  items.forEach((item, index) => {
    const field = Array.isArray(value) ? `language[${index}]` : 'language';
    if (typeof item !== 'string') {
      lints.push({ severity: 'error', code: 'language-type', field, message: `A language must be a code such as \`en\`, not ${describe(item)}.` });
      return;
    }
    const code = item.trim();
    if (LANGUAGES.has(code) || SPECIAL_LANGUAGES.includes(code)) return;
    const lower = code.toLowerCase();
    if (LANGUAGES.has(lower)) {
      lints.push({ severity: 'warning', code: 'language-case', field, message: `Write language codes in lower case: \`${lower}\`.` });
    } else if (/^[a-z]{3}$/.test(code)) {
      lints.push({
        severity: 'info',
        code: 'language-iso-639-3',
        field,
        message: `\`${code}\` looks like an ISO 639-2/3 code; the Hub accepts it, but prefer the two-letter code where one exists.`,
      });
    } else if (/^[a-z]{2,3}[-_][A-Za-z0-9]{2,8}$/i.test(code)) {
      const base = lower.slice(0, lower.search(/[-_]/));
      lints.push({
        severity: 'warning',
        code: 'language-region',
        field,
        message: `\`${clip(code)}\` has a region or script; the Hub's language filter matches the plain code${LANGUAGES.has(base) ? ` \`${base}\`` : ''}.`,
      });
    } else {
      lints.push({
        severity: 'error',
        code: 'language-unknown',
        field,
        message: `\`${clip(code)}\` is not an ISO 639-1 language code (such as \`en\` or \`fr\`).`,
      });
    }
  });
}

function checkLibrary(value: unknown, lints: Diagnostic[]): void {
  if (value === undefined || value === null) {
    lints.push({
      severity: 'info',
      code: 'library-missing',
      field: 'library_name',
      message: 'No `library_name`: the Hub will guess the library from the files, and may show no usage snippet.',
    });
    return;
  }
  if (typeof value !== 'string') {
    lints.push({ severity: 'error', code: 'library-type', field: 'library_name', message: `\`library_name\` must be a library id, not ${describe(value)}.` });
    return;
  }
  if (LIBRARIES.has(value)) return;
  const match = ALL_MODEL_LIBRARY_KEYS.find((key) => key.toLowerCase() === value.toLowerCase());
  if (match) {
    lints.push({ severity: 'warning', code: 'library-case', field: 'library_name', message: `Library ids are case-sensitive: write \`${match}\`.` });
  } else if (FORMAT_NAMES.includes(value.toLowerCase())) {
    lints.push({
      severity: 'info',
      code: 'library-format',
      field: 'library_name',
      message: `\`${value}\` is a file format, which the Hub detects from the files; \`library_name\` names the library that loads the model (e.g. \`transformers\`, \`llama-cpp-python\`).`,
    });
  } else {
    lints.push({
      severity: 'warning',
      code: 'library-unknown',
      field: 'library_name',
      message: `\`${clip(value)}\` is not a library the Hub knows; it will show no usage snippet.`,
    });
  }
}

function checkPipeline(value: unknown, lints: Diagnostic[]): void {
  if (value === undefined || value === null) {
    lints.push({
      severity: 'info',
      code: 'pipeline-tag-missing',
      field: 'pipeline_tag',
      message: 'No `pipeline_tag`: the Hub will guess the task, or list the model under none.',
    });
    return;
  }
  if (typeof value !== 'string') {
    lints.push({
      severity: 'error',
      code: 'pipeline-tag-type',
      field: 'pipeline_tag',
      message: `\`pipeline_tag\` must be one task id, not ${describe(value)}.`,
    });
    return;
  }
  if (PIPELINES.has(value)) return;
  if (value === 'text2text-generation') {
    lints.push({
      severity: 'warning',
      code: 'pipeline-tag-deprecated',
      field: 'pipeline_tag',
      message: '`text2text-generation` is no longer a Hub task; use `text-generation`, `translation` or `summarization`.',
    });
    return;
  }
  const normalized = value
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  lints.push({
    severity: 'error',
    code: 'pipeline-tag-unknown',
    field: 'pipeline_tag',
    message: `\`${clip(value)}\` is not a Hub task id.${PIPELINES.has(normalized) ? ` Write \`${normalized}\`.` : ' See https://huggingface.co/tasks.'}`,
  });
}

/** A list of strings; one string is accepted with a warning. Returns the strings with their field paths. */
function checkStringList(value: unknown, key: string, lints: Diagnostic[]): { item: string; field: string }[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    lints.push({ severity: 'warning', code: `${key}-not-list`, field: key, message: `\`${key}\` should be a list (\`- ${clip(value)}\`), not one string.` });
    return [{ item: value, field: key }];
  }
  if (!Array.isArray(value)) {
    lints.push({ severity: 'error', code: `${key}-type`, field: key, message: `\`${key}\` must be a list of strings, not ${describe(value)}.` });
    return [];
  }
  const items: { item: string; field: string }[] = [];
  value.forEach((item, index) => {
    const field = `${key}[${index}]`;
    if (typeof item === 'string') items.push({ item, field });
    else lints.push({ severity: 'error', code: `${key}-type`, field, message: `Each of \`${key}\` must be a string, not ${describe(item)}; quote it.` });
  });
  return items;
}

function checkDatasets(value: unknown, lints: Diagnostic[]): void {
  for (const { item, field } of checkStringList(value, 'datasets', lints)) {
    const url = HUB_URL.exec(item);
    if (url) {
      const id = url[1] === 'datasets' ? url[2] : undefined;
      lints.push({
        severity: 'warning',
        code: 'datasets-url',
        field,
        message: `Write the dataset id${id ? ` \`${id}\`` : ''}, not a URL: the Hub links ids to dataset pages.`,
      });
    } else if (!REPO_ID.test(item) && !LEGACY_REPO_ID.test(item)) {
      lints.push({
        severity: 'warning',
        code: 'datasets-id',
        field,
        message: `\`${clip(item)}\` is not a Hub dataset id (\`org/name\`); the Hub will not link it.`,
      });
    }
  }
}

function checkBaseModel(data: Record<string, unknown>, lints: Diagnostic[]): void {
  const value = data.base_model;
  const ids: { item: unknown; field: string }[] =
    value === undefined || value === null
      ? []
      : Array.isArray(value)
        ? value.map((item, index) => ({ item, field: `base_model[${index}]` }))
        : [{ item: value, field: 'base_model' }];
  for (const { item, field } of ids) {
    if (typeof item !== 'string') {
      lints.push({ severity: 'error', code: 'base-model-type', field, message: `\`base_model\` must be a model id or a list of them, not ${describe(item)}.` });
      continue;
    }
    const url = HUB_URL.exec(item);
    if (url) {
      const suggestion = url[1] ? '' : ` \`${url[2]}\``;
      lints.push({ severity: 'error', code: 'base-model-url', field, message: `Write the model id${suggestion}, not a URL.` });
    } else if (REPO_ID.test(item) && !item.includes('--') && !item.includes('..')) {
      continue;
    } else if (LEGACY_REPO_ID.test(item)) {
      lints.push({
        severity: 'warning',
        code: 'base-model-no-org',
        field,
        message: `Write the full id with its organization (e.g. \`openai-community/${clip(item)}\`), not \`${clip(item)}\`.`,
      });
    } else {
      lints.push({ severity: 'error', code: 'base-model-id', field, message: `\`${clip(item)}\` is not a model id (\`org/name\`).` });
    }
  }
  const relation = data.base_model_relation;
  if (relation === undefined || relation === null) return;
  if (typeof relation !== 'string' || !BASE_MODEL_RELATIONS.includes(relation)) {
    lints.push({
      severity: 'error',
      code: 'base-model-relation',
      field: 'base_model_relation',
      message: `\`base_model_relation\` must be one of ${BASE_MODEL_RELATIONS.map((r) => `\`${r}\``).join(', ')}.`,
    });
  } else if (ids.length === 0) {
    lints.push({
      severity: 'warning',
      code: 'base-model-relation-alone',
      field: 'base_model_relation',
      message: '`base_model_relation` is set but `base_model` is not.',
    });
  }
}

/** Checks the `model-index` schema: name, results, and each result's task, dataset and metrics. */
function checkModelIndex(value: unknown, lints: Diagnostic[]): void {
  const found: Diagnostic[] = [];
  const report = (field: string, message: string, severity: Diagnostic['severity'] = 'error'): void => {
    found.push({ severity, code: 'model-index', field, message });
  };
  const requireString = (record: Record<string, unknown>, key: string, field: string): void => {
    const v = record[key];
    if (v === undefined || v === null || v === '') report(`${field}.${key}`, `\`${field}.${key}\` is required.`);
    else if (typeof v !== 'string') report(`${field}.${key}`, `\`${field}.${key}\` must be a string, not ${describe(v)}.`);
  };

  if (!Array.isArray(value)) {
    report('model-index', `\`model-index\` must be a list of models, not ${describe(value)}.`);
  } else {
    value.forEach((entry, i) => {
      const at = `model-index[${i}]`;
      if (!isRecord(entry)) return report(at, `\`${at}\` must be a mapping with \`name\` and \`results\`.`);
      requireString(entry, 'name', at);
      if (!Array.isArray(entry.results)) return report(`${at}.results`, `\`${at}.results\` must be a list.`);
      entry.results.forEach((result, j) => {
        const r = `${at}.results[${j}]`;
        if (!isRecord(result)) return report(r, `\`${r}\` must be a mapping with \`task\`, \`dataset\` and \`metrics\`.`);
        if (!isRecord(result.task)) report(`${r}.task`, `\`${r}.task\` is required, with a \`type\`.`);
        else {
          requireString(result.task, 'type', `${r}.task`);
          const type = result.task.type;
          if (typeof type === 'string' && type !== '' && !PIPELINES.has(type)) {
            report(`${r}.task.type`, `\`${clip(type)}\` is not a Hub task id; the evaluation results will not be grouped by task.`, 'warning');
          }
        }
        if (!isRecord(result.dataset)) report(`${r}.dataset`, `\`${r}.dataset\` is required, with \`type\` and \`name\`.`);
        else {
          requireString(result.dataset, 'type', `${r}.dataset`);
          requireString(result.dataset, 'name', `${r}.dataset`);
        }
        if (!Array.isArray(result.metrics) || result.metrics.length === 0) return report(`${r}.metrics`, `\`${r}.metrics\` must be a non-empty list.`);
        result.metrics.forEach((metric, k) => {
          const m = `${r}.metrics[${k}]`;
          if (!isRecord(metric)) return report(m, `\`${m}\` must be a mapping with \`type\` and \`value\`.`);
          requireString(metric, 'type', m);
          const v = metric.value;
          if (v === undefined || v === null || v === '') report(`${m}.value`, `\`${m}.value\` is required.`);
          else if (typeof v !== 'number' && typeof v !== 'string') report(`${m}.value`, `\`${m}.value\` must be a number, not ${describe(v)}.`);
        });
      });
    });
  }
  lints.push(...found.slice(0, MAX_MODEL_INDEX_LINTS));
  if (found.length > MAX_MODEL_INDEX_LINTS) {
    lints.push({
      severity: 'error',
      code: 'model-index',
      field: 'model-index',
      message: `…and ${found.length - MAX_MODEL_INDEX_LINTS} more problems in \`model-index\`.`,
    });
  }
}

/** The evaluation results in `model-index` as table rows; malformed entries are skipped. */
export function modelIndexTable(data: Record<string, unknown> | undefined): ModelIndexRow[] {
  const rows: ModelIndexRow[] = [];
  const index = data?.['model-index'];
  if (!Array.isArray(index)) return rows;
  for (const entry of index) {
    if (!isRecord(entry) || !Array.isArray(entry.results)) continue;
    const model = text(entry.name) ?? '';
    for (const result of entry.results) {
      if (!isRecord(result) || !isRecord(result.task) || !isRecord(result.dataset) || !Array.isArray(result.metrics)) continue;
      const task = text(result.task.name) ?? text(result.task.type);
      const datasetName = text(result.dataset.name) ?? text(result.dataset.type);
      if (task === undefined || datasetName === undefined) continue;
      const qualifiers = [text(result.dataset.config), text(result.dataset.split)].filter((q): q is string => q !== undefined);
      const dataset = qualifiers.length > 0 ? `${datasetName} (${qualifiers.join(', ')})` : datasetName;
      for (const metric of result.metrics) {
        if (!isRecord(metric)) continue;
        const name = text(metric.name) ?? text(metric.type);
        const value = metric.value;
        if (name === undefined || (typeof value !== 'number' && typeof value !== 'string')) continue;
        rows.push({ model, task, dataset, metric: name, value });
        if (rows.length >= MAX_MODEL_INDEX_ROWS) return rows;
      }
    }
  }
  return rows;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Names a value's type for a message: "a number", "a list", "a mapping". */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'a mapping';
  }
}

/** Untrusted values are shortened before they are quoted in a message. */
function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}
