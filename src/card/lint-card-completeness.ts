import type { Nodes, Root, RootContent } from 'mdast';
import type { Diagnostic } from '../model/diagnostic';
import { markdownText, parseCardMarkdown } from './parse-card-markdown';

/** A section a complete card has, with the headings that count as it (compared normalized: lower case, no punctuation). */
export interface SectionSpec {
  name: string;
  aliases: readonly string[];
  /** Marked `[optional]` in the template: its absence is not reported. */
  optional?: boolean;
}

/** The sections of the Hugging Face model card template (huggingface_hub's `modelcard_template.md`). */
export const HF_TEMPLATE_SECTIONS: readonly SectionSpec[] = [
  {
    name: 'Model Details',
    aliases: ['model details', 'model detail', 'model information', 'model info', 'model overview', 'model summary', 'overview', 'about the model'],
  },
  { name: 'Model Description', aliases: ['model description', 'description'] },
  { name: 'Uses', aliases: ['uses', 'intended uses', 'intended use', 'intended uses and limitations', 'use cases', 'intended use cases'] },
  { name: 'Direct Use', aliases: ['direct use', 'direct uses', 'primary intended uses', 'primary intended use'] },
  {
    name: 'Out-of-Scope Use',
    aliases: ['out of scope use', 'out of scope uses', 'out of scope use cases', 'out of scope', 'misuse and out of scope use', 'prohibited uses'],
  },
  {
    name: 'Bias, Risks, and Limitations',
    aliases: [
      'bias risks and limitations',
      'bias risks limitations',
      'risks and limitations',
      'limitations and bias',
      'limitations and biases',
      'bias and limitations',
      'ethical considerations and limitations',
      'limitations',
      'bias',
      'biases',
      'risks',
    ],
  },
  { name: 'Recommendations', aliases: ['recommendations', 'caveats and recommendations', 'recommendation'] },
  {
    name: 'How to Get Started with the Model',
    aliases: [
      'how to get started with the model',
      'how to get started',
      'getting started',
      'get started',
      'quickstart',
      'quick start',
      'how to use',
      'usage',
      'example usage',
      'usage example',
      'inference',
    ],
  },
  { name: 'Training Details', aliases: ['training details', 'training', 'training and evaluation'] },
  {
    name: 'Training Data',
    aliases: ['training data', 'training dataset', 'training datasets', 'pretraining data', 'pre training data', 'training and evaluation data'],
  },
  {
    name: 'Training Procedure',
    aliases: ['training procedure', 'training setup', 'training process', 'training hyperparameters', 'fine tuning', 'finetuning'],
  },
  { name: 'Evaluation', aliases: ['evaluation', 'evaluation results', 'eval results', 'evaluation and results', 'benchmarks'] },
  {
    name: 'Testing Data, Factors & Metrics',
    aliases: [
      'testing data factors and metrics',
      'testing data',
      'test data',
      'evaluation data',
      'evaluation dataset',
      'evaluation datasets',
      'metrics',
      'evaluation metrics',
    ],
  },
  { name: 'Results', aliases: ['results', 'evaluation results', 'benchmark results', 'performance', 'benchmarks'] },
  { name: 'Environmental Impact', aliases: ['environmental impact', 'carbon emissions', 'co2 emissions', 'carbon footprint', 'energy consumption'] },
  {
    name: 'Technical Specifications',
    optional: true,
    aliases: [
      'technical specifications',
      'technical specs',
      'model architecture and objective',
      'model architecture',
      'architecture',
      'compute infrastructure',
    ],
  },
  {
    name: 'Citation',
    optional: true,
    aliases: ['citation', 'citations', 'cite', 'citing', 'bibtex', 'how to cite', 'cite this model', 'reference', 'references'],
  },
  { name: 'Model Card Authors', optional: true, aliases: ['model card authors', 'model card author', 'authors', 'author', 'contributors'] },
  { name: 'Model Card Contact', aliases: ['model card contact', 'contact', 'contact information', 'contact info', 'contacts'] },
];

/** The categories of Mitchell et al., "Model Cards for Model Reporting" (FAT* 2019), with the headings that cover them. */
export const MITCHELL_SECTIONS: readonly SectionSpec[] = [
  {
    name: 'Model Details',
    aliases: ['model details', 'model detail', 'model description', 'model information', 'model overview', 'model summary', 'overview'],
  },
  {
    name: 'Intended Use',
    aliases: [
      'intended use',
      'intended uses',
      'uses',
      'direct use',
      'downstream use',
      'primary intended uses',
      'intended uses and limitations',
      'use cases',
      'out of scope use',
    ],
  },
  { name: 'Factors', aliases: ['factors', 'relevant factors', 'evaluation factors', 'testing data factors and metrics'] },
  { name: 'Metrics', aliases: ['metrics', 'evaluation metrics', 'model performance measures', 'performance measures', 'testing data factors and metrics'] },
  {
    name: 'Evaluation Data',
    aliases: [
      'evaluation data',
      'evaluation dataset',
      'evaluation datasets',
      'testing data',
      'test data',
      'eval data',
      'testing data factors and metrics',
      'training and evaluation data',
    ],
  },
  {
    name: 'Training Data',
    aliases: ['training data', 'training dataset', 'training datasets', 'pretraining data', 'pre training data', 'training and evaluation data'],
  },
  {
    name: 'Quantitative Analyses',
    aliases: [
      'quantitative analyses',
      'quantitative analysis',
      'results',
      'evaluation results',
      'eval results',
      'benchmark results',
      'benchmarks',
      'performance',
      'evaluation',
    ],
  },
  {
    name: 'Ethical Considerations',
    aliases: [
      'ethical considerations',
      'ethical considerations and limitations',
      'ethics',
      'bias risks and limitations',
      'risks and limitations',
      'limitations and bias',
      'limitations and biases',
      'bias and limitations',
      'bias',
      'risks',
      'responsible ai',
      'responsibility and safety',
      'safety',
    ],
  },
  {
    name: 'Caveats and Recommendations',
    aliases: ['caveats and recommendations', 'recommendations', 'caveats', 'limitations', 'known limitations', 'ethical considerations and limitations'],
  },
];

/** How much a section says: `partial` has text but still some placeholders. */
export type SectionStatus = 'complete' | 'partial' | 'placeholder' | 'empty' | 'missing';

/** One expected section and what the card has for it. */
export interface SectionCheck {
  name: string;
  status: SectionStatus;
  optional: boolean;
  /** The card's heading that matched, as written. */
  heading?: string;
  /** 1-based line of that heading in the body. */
  line?: number;
}

/** The card's sections against the HF template and against Mitchell et al.'s categories. */
export interface CardCompleteness {
  template: SectionCheck[];
  mitchell: SectionCheck[];
}

/** The template's placeholder text, which huggingface_hub writes for every field left blank. */
const PLACEHOLDER = /\[?more information needed\]?/gi;

interface Heading {
  title: string;
  normalized: string;
  depth: number;
  line?: number;
  /** Index in the root's children. */
  index: number;
}

interface Content {
  placeholders: number;
  /** Text, images, tables or code besides placeholders and comments. */
  substance: boolean;
}

/** Lower case, no `[optional]`, `&` as "and", punctuation and numbering removed: "3.1 Out-of-Scope Use" → "out of scope use". */
export function normalizeHeading(title: string): string {
  return title
    .toLowerCase()
    .replace(/\[optional\]|\(optional\)/g, ' ')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^(?:\d+ )+/, '')
    .replace(/^(?:[ivx]+ )(?=\p{L})/u, '');
}

/** An HTML heading written as one block, e.g. `<h2 align="center">Uses</h2>`. */
const HTML_HEADING = /^\s*<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>\s*$/i;

function headingsOf(root: Root): Heading[] {
  const headings: Heading[] = [];
  root.children.forEach((node, index) => {
    if (node.type === 'heading') {
      const title = markdownText(node.children).replace(/\s+/g, ' ').trim();
      headings.push({ title, normalized: normalizeHeading(title), depth: node.depth, line: node.position?.start.line, index });
    } else if (node.type === 'html') {
      const match = HTML_HEADING.exec(node.value);
      if (match) {
        const title = (match[2] ?? '')
          .replace(/<[^<>]*>/g, '')
          .replace(/\s+/g, ' ')
          .trim();
        headings.push({ title, normalized: normalizeHeading(title), depth: Number(match[1]), line: node.position?.start.line, index });
      }
    }
  });
  return headings;
}

function contentOf(nodes: readonly RootContent[]): Content {
  let placeholders = 0;
  let substance = false;
  const stack: Nodes[] = [...nodes].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    switch (node.type) {
      case 'heading':
        // Subsections' titles are not content; their bodies are.
        continue;
      case 'image':
      case 'imageReference':
      case 'table':
      case 'code':
      case 'math':
        substance = true;
        continue;
      case 'html': {
        if (HTML_HEADING.test(node.value)) continue;
        const text = node.value.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
        if (/<img\b/i.test(text)) substance = true;
        const plain = text.replace(/<[^<>]*>/g, ' ');
        placeholders += plain.match(PLACEHOLDER)?.length ?? 0;
        if (plain.replace(PLACEHOLDER, '').trim() !== '') substance = true;
        continue;
      }
      case 'text':
      case 'inlineCode':
      case 'inlineMath': {
        placeholders += node.value.match(PLACEHOLDER)?.length ?? 0;
        if (node.value.replace(PLACEHOLDER, '').trim() !== '') substance = true;
        continue;
      }
      default:
        if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as Nodes);
    }
  }
  return { placeholders, substance };
}

function statusOf(content: Content): SectionStatus {
  if (content.substance) return content.placeholders > 0 ? 'partial' : 'complete';
  return content.placeholders > 0 ? 'placeholder' : 'empty';
}

/** The children a heading owns: up to the next heading of the same or a higher level (`own`: up to any heading). */
function rangeOf(headings: Heading[], at: number, rootLength: number, own: boolean): [number, number] {
  const heading = headings[at] as Heading;
  for (let next = at + 1; next < headings.length; next++) {
    const candidate = headings[next] as Heading;
    if (own || candidate.depth <= heading.depth) return [heading.index + 1, candidate.index];
  }
  return [heading.index + 1, rootLength];
}

const RANK: Record<SectionStatus, number> = { complete: 0, partial: 1, placeholder: 2, empty: 3, missing: 4 };

function checkSpecs(specs: readonly SectionSpec[], root: Root, headings: Heading[]): SectionCheck[] {
  const statusCache = new Map<number, SectionStatus>();
  return specs.map((spec) => {
    let best: SectionCheck = { name: spec.name, status: 'missing', optional: spec.optional ?? false };
    headings.forEach((heading, at) => {
      if (!spec.aliases.includes(heading.normalized)) return;
      let status = statusCache.get(at);
      if (status === undefined) {
        const [from, to] = rangeOf(headings, at, root.children.length, false);
        status = statusOf(contentOf(root.children.slice(from, to)));
        statusCache.set(at, status);
      }
      if (RANK[status] < RANK[best.status]) best = { ...best, status, heading: heading.title, line: heading.line };
    });
    return best;
  });
}

function toRoot(body: string | Root): Root {
  return typeof body === 'string' ? parseCardMarkdown(body) : body;
}

/** Which template sections and Mitchell categories the card has, and how complete each is. */
export function checkCardCompleteness(body: string | Root): CardCompleteness {
  const root = toRoot(body);
  const headings = headingsOf(root);
  return { template: checkSpecs(HF_TEMPLATE_SECTIONS, root, headings), mitchell: checkSpecs(MITCHELL_SECTIONS, root, headings) };
}

/**
 * Lint items for sections that are missing, empty, or still say "[More Information Needed]".
 * Placeholders are reported under the heading that holds them, whether or not the template
 * names it; lines are lines of the body.
 */
export function lintCardCompleteness(body: string | Root): Diagnostic[] {
  const root = toRoot(body);
  const headings = headingsOf(root);
  const lints: Diagnostic[] = [];

  // Placeholders, under the innermost heading (or before the first one).
  const firstIndex = headings[0]?.index ?? root.children.length;
  const intro = contentOf(root.children.slice(0, firstIndex));
  if (intro.placeholders > 0) lints.push(placeholderLint('The introduction', intro, root.children[0]?.position?.start.line));
  headings.forEach((heading, at) => {
    const [from, to] = rangeOf(headings, at, root.children.length, true);
    const own = contentOf(root.children.slice(from, to));
    if (own.placeholders > 0) lints.push(placeholderLint(`“${clip(heading.title)}”`, own, heading.line));
  });

  const { template, mitchell } = { template: checkSpecs(HF_TEMPLATE_SECTIONS, root, headings), mitchell: checkSpecs(MITCHELL_SECTIONS, root, headings) };
  const emptyLines = new Set<number | undefined>();
  for (const check of template) {
    if (check.status === 'missing' && !check.optional) {
      lints.push({ severity: 'warning', code: 'section-missing', message: `No “${check.name}” section (Hugging Face model card template).` });
    } else if (check.status === 'empty' && !emptyLines.has(check.line)) {
      emptyLines.add(check.line);
      lints.push({ severity: 'warning', code: 'section-empty', message: `“${clip(check.heading ?? check.name)}” is empty.`, line: check.line });
    }
  }
  for (const check of mitchell) {
    if (check.status === 'missing') {
      lints.push({
        severity: 'info',
        code: 'mitchell-missing',
        message: `No section covers “${check.name}” (Mitchell et al., Model Cards for Model Reporting).`,
      });
    }
  }
  return lints;
}

function placeholderLint(where: string, content: Content, line: number | undefined): Diagnostic {
  const times = content.placeholders > 1 ? ` (${content.placeholders} times)` : '';
  return content.substance
    ? { severity: 'info', code: 'section-partial', message: `${where} still has [More Information Needed]${times}.`, line }
    : { severity: 'warning', code: 'section-placeholder', message: `${where} still says [More Information Needed]${times}.`, line };
}

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}…` : value;
}
