import type { Mermaid } from 'mermaid';
import { whenIdle } from '../when-idle';

/**
 * Mermaid, loaded lazily the first time a diagram is drawn (it is large; the first page load
 * does not need it), always in strict security mode. Mermaid keeps global state and is not
 * reentrant, so renders are queued one at a time.
 */
let loaded: Promise<Mermaid> | undefined;
let queue: Promise<unknown> = Promise.resolve();
let configured: string | undefined;
let counter = 0;

/** Mermaid's own limits, raised a little: Loupe never asks for more than 150 boxes per view. */
const MAX_EDGES = 2000;
const MAX_TEXT_SIZE = 200_000;

function loadMermaid(): Promise<Mermaid> {
  loaded ??= import('mermaid').then((m) => {
    // Loupe's own layout for its graph views (./loupe-layout.ts), beside mermaid's dagre and ELK.
    // Mermaid calls the loader on every render: the same promise each time resolves in a microtask,
    // where a fresh import() of the loaded module would wait a task.
    let layout: Promise<unknown> | undefined;
    m.default.registerLayoutLoaders([{ name: 'loupe', loader: () => (layout ??= import('./loupe-layout')) as ReturnType<LayoutLoader['loader']> }]);
    return m.default;
  });
  return loaded;
}

type LayoutLoader = Parameters<Mermaid['registerLayoutLoaders']>[0][number];

/**
 * The layout engines. Loupe's graph views use `loupe` (./loupe-layout.ts), which measured several
 * times faster than mermaid's own on them (`npm run bench -- "wall clock"`; see the README). Other
 * diagrams (a model card's) use mermaid's dagre: it lays out small diagrams several times faster
 * than ELK, whose chunk is 466 KB gzip against dagre's 17 KB, so ELK is never asked for.
 */
export type MermaidLayout = 'dagre' | 'elk' | 'loupe';

function configure(mermaid: Mermaid, theme: 'light' | 'dark', layout: MermaidLayout): void {
  if (configured === `${theme} ${layout}`) return;
  mermaid.initialize({
    startOnLoad: false,
    // strict: no click callbacks, labels sanitized; `%%{init}%%` directives cannot lower it
    // because securityLevel is in secure (site-only) config keys.
    securityLevel: 'strict',
    // Labels as SVG <text>, not HTML in <foreignObject>: the card's SVG sanitizer keeps text and
    // drops foreignObject, so HTML labels would vanish. The root key wins over flowchart.htmlLabels.
    htmlLabels: false,
    // themeCSS, themeVariables and the fonts are secure too: a card's directive could otherwise write CSS into the SVG.
    secure: ['secure', 'securityLevel', 'startOnLoad', 'maxTextSize', 'maxEdges', 'htmlLabels', 'themeCSS', 'themeVariables', 'fontFamily', 'altFontFamily'],
    theme: theme === 'dark' ? 'dark' : 'default',
    layout,
    maxEdges: MAX_EDGES,
    maxTextSize: MAX_TEXT_SIZE,
    flowchart: { htmlLabels: false, curve: 'basis', useMaxWidth: false },
    fontFamily: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  });
  configured = `${theme} ${layout}`;
}

export interface RenderResult {
  svg: string;
  ms: number;
}

/** Renders mermaid text to an SVG string. `signal` drops a render the user navigated away from before it starts. */
export function renderMermaid(text: string, theme: 'light' | 'dark', signal?: AbortSignal, layout: MermaidLayout = 'dagre'): Promise<RenderResult> {
  const job = queue.then(async () => {
    if (signal?.aborted) throw new DOMException('Render cancelled', 'AbortError');
    const mermaid = await loadMermaid();
    configure(mermaid, theme, layout);
    const start = performance.now();
    const { svg } = await mermaid.render(`loupe-mermaid-${++counter}`, text);
    const end = performance.now();
    // Each render's own time (layout included), beside the view's loupe:graph:first and :expand.
    performance.measure('loupe:mermaid:render', { start, end });
    return { svg, ms: end - start };
  });
  queue = job.catch(() => undefined);
  return job;
}

/** Checks mermaid text without drawing it (used for card diagrams before they are shown). */
export async function parseMermaid(text: string): Promise<boolean> {
  const mermaid = await loadMermaid();
  return (await mermaid.parse(text, { suppressErrors: true })) !== false;
}

let warming: Promise<unknown> | undefined;

/**
 * Starts loading mermaid's core, for a model with a graph given while another view is shown: the
 * module loads in parallel with parsing, and no render competes with the page for the main thread.
 */
export function loadMermaidSoon(): void {
  loadMermaid().catch(() => undefined);
}

/**
 * Loads mermaid and everything a flowchart render needs ahead of the first diagram, for the Graph
 * view: its core at once, then, when the page is idle, the flowchart diagram and Loupe's layout
 * (by drawing a flowchart with every construct a view uses, twice, which also warms their code),
 * which mermaid would otherwise fetch one round trip after another once the real diagram is asked
 * for. The warm-up is skipped when a real diagram was drawn first.
 */
export function preloadMermaid(theme: 'light' | 'dark'): Promise<unknown> {
  const warm = async (): Promise<void> => {
    if (counter > 0) return;
    await renderMermaid(WARM_UP, theme, undefined, 'loupe');
    await renderMermaid(WARM_UP, theme, undefined, 'loupe');
  };
  warming ??= loadMermaid()
    .then(() => new Promise((resolve) => whenIdle(() => resolve(undefined))))
    .then(warm)
    .catch(() => undefined);
  return warming;
}

/** A flowchart with every construct a graph view uses: subgraphs, each box shape, edge labels, classes. */
const WARM_UP = (() => {
  const lines = ['flowchart TB', '  i0(["x<br/>#91;1,4#93; F32"])'];
  const shapes = [
    ['("', '")'],
    ['[["', '"]]'],
    ['{{"', '"}}'],
  ];
  for (let s = 0; s < 4; s++) {
    lines.push(`  subgraph s${s}["block${s}<br/>4 ops"]`);
    for (let n = 0; n < 6; n++) {
      const [open, close] = shapes[n % shapes.length]!;
      lines.push(`    n${s}_${n}${open}MatMul<br/>/block${s}/MatMul_${n}${close}`);
    }
    lines.push('  end');
  }
  lines.push('  o0[/"y<br/>#91;1,4#93; F32"/]');
  lines.push('  i0 -->|"(1,4) F32"| n0_0');
  for (let s = 0; s < 4; s++) {
    for (let n = 0; n < 5; n++) lines.push(`  n${s}_${n} --> n${s}_${n + 1}`);
    lines.push(s < 3 ? `  n${s}_5 -->|"(1,4) F32"| n${s + 1}_0` : `  n${s}_5 --> o0`);
  }
  lines.push('  classDef op_matmul fill:#ede9fe,stroke:#7c3aed,color:#0f172a', '  class n0_0,n1_0 op_matmul');
  return lines.join('\n');
})();
