import Panzoom, { type PanzoomObject } from '@panzoom/panzoom';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { toLoupeError } from '../../model/errors';
import { renderMermaid, type MermaidLayout } from './mermaid-renderer';

/** Rendered SVGs by theme and text: going back to a scope already drawn is instant. */
const svgCache = new Map<string, string>();
const MAX_CACHED = 64;

interface RenderState {
  key: string;
  svg?: string;
  error?: string;
  cached: boolean;
}

export interface BoxAttributes {
  /** The view box id (`scope:…`, `node:…`). */
  boxId: string;
  kind: string;
  /** For op boxes: the ONNX node id (the `data-node-id` test hook). */
  nodeId?: string;
}

/** Finds the generated mermaid id in a rendered element id (`mermaid-3-flowchart-n12-0` → `n12`). */
export function mermaidIdOf(element: Element): string | undefined {
  const id = element.id;
  const match = /flowchart-([ns]\d+)-\d+$/.exec(id) ?? /^([ns]\d+)$/.exec(id) ?? /-([ns]\d+)$/.exec(id);
  return match?.[1];
}

/** Mermaid id → the boxes linked to it upstream and downstream, from the edge lines of a flowchart (`n1 -->|"x"| n2`). */
export function mermaidLinks(text: string): Map<string, { up: string[]; down: string[] }> {
  const links = new Map<string, { up: string[]; down: string[] }>();
  const entry = (id: string) => {
    let e = links.get(id);
    if (!e) links.set(id, (e = { up: [], down: [] }));
    return e;
  };
  for (const match of text.matchAll(/^ {2}([ns]\d+) -\.?->(?:\|.*\|)? ([ns]\d+)$/gm)) {
    entry(match[1]!).down.push(match[2]!);
    entry(match[2]!).up.push(match[1]!);
  }
  return links;
}

/** Tagged boxes in reading order: top to bottom, then left to right (containers before what they hold). */
function readingOrder(host: HTMLElement): SVGGElement[] {
  const boxes = [...host.querySelectorAll<SVGGElement>('[data-mermaid-id]')].map((el) => ({ el, rect: el.getBoundingClientRect() }));
  boxes.sort((a, b) => a.rect.top - b.rect.top || a.rect.left - b.rect.left);
  return boxes.map((b) => b.el);
}

/**
 * Draws one mermaid diagram, with pan and zoom, and tags each box with data attributes so that
 * clicks, tests and exports can find it. A render the user navigated away from is dropped.
 */
export function MermaidView({
  text,
  theme,
  boxes,
  onBoxClick,
  onPainted,
  svgRef,
  layout = 'loupe',
}: {
  text: string;
  theme: 'light' | 'dark';
  /** Loupe's own layout for the diagrams Loupe writes (./loupe-layout.ts). */
  layout?: MermaidLayout;
  /** Mermaid id → what the box stands for. */
  boxes: Map<string, BoxAttributes>;
  onBoxClick?: (mermaidId: string, event: MouseEvent) => void;
  /** Called once the SVG is in the page and painted, with whether it came from the cache. */
  onPainted?: (cached: boolean) => void;
  svgRef?: React.RefObject<string | null>;
}) {
  const key = `${theme}\n${layout}\n${text}`;
  const [result, setResult] = useState<RenderState | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const panzoom = useRef<PanzoomObject | null>(null);
  const clickRef = useRef(onBoxClick);
  /** The box to focus again once the next diagram is drawn (after Enter expanded or collapsed it). */
  const refocus = useRef<string | null>(null);
  const links = useMemo(() => mermaidLinks(text), [text]);
  const linksRef = useRef(links);
  const paintedRef = useRef(onPainted);
  useLayoutEffect(() => {
    clickRef.current = onBoxClick;
    paintedRef.current = onPainted;
    linksRef.current = links;
  });

  useEffect(() => {
    if (svgCache.has(key)) return;
    const controller = new AbortController();
    renderMermaid(text, theme, controller.signal, layout).then(
      ({ svg }) => {
        if (svgCache.size >= MAX_CACHED) svgCache.delete(svgCache.keys().next().value!);
        svgCache.set(key, svg);
        // Committed at once, in this task: the diagram goes in without waiting for the scheduler's next turn.
        if (!controller.signal.aborted) flushSync(() => setResult({ key, svg, cached: false }));
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ key, error: toLoupeError(error).message, cached: false });
      },
    );
    return () => controller.abort();
  }, [key, text, theme, layout]);

  // A diagram drawn before comes straight from the cache, with no render and no effect.
  const current = useMemo<RenderState | null>(() => {
    if (result?.key === key) return result;
    const svg = svgCache.get(key);
    return svg === undefined ? null : { key, svg, cached: true };
  }, [key, result]);

  // Insert the SVG, tag its boxes, and set up pan and zoom.
  useLayoutEffect(() => {
    const el = host.current;
    if (!el || !current?.svg) return;
    // Nothing here asks the browser for a layout of the new diagram (getBoundingClientRect and the
    // like), so that it is styled and laid out once, for the first paint: the frame is measured
    // before the diagram goes in, the scale comes from the SVG's attributes, and the reading order
    // (which needs box positions) is set after the first paint.
    const frame = { width: el.clientWidth, height: el.clientHeight };
    // The SVG comes from mermaid in strict mode, from text whose labels are all escaped (src/graph/to-mermaid.ts).
    el.innerHTML = current.svg;
    if (svgRef) svgRef.current = current.svg;
    for (const node of el.querySelectorAll('g.node, g.cluster')) {
      const id = mermaidIdOf(node);
      const box = id ? boxes.get(id) : undefined;
      if (!id || !box) continue;
      node.setAttribute('data-box-id', box.boxId);
      node.setAttribute('data-kind', box.kind);
      node.setAttribute('data-mermaid-id', id);
      if (box.nodeId !== undefined) node.setAttribute('data-node-id', box.nodeId);
      if (onBoxClickable(box.kind)) node.classList.add('clickable');
      // Keyboard: one box is in the page's tab order (roving); Tab, Enter and arrows work inside (see below).
      node.setAttribute('tabindex', '-1');
      node.setAttribute('role', 'button');
      node.setAttribute('aria-label', (node.textContent ?? '').trim() || box.boxId);
    }
    const again = refocus.current === null ? null : el.querySelector<SVGGElement>(`[data-box-id="${CSS.escape(refocus.current)}"]`);
    if (again) {
      again.setAttribute('tabindex', '0');
      again.focus();
    }
    refocus.current = null;
    const svg = el.querySelector('svg');
    if (svg) {
      svg.style.maxWidth = 'none';
      panzoom.current = Panzoom(svg as unknown as HTMLElement, {
        maxScale: 8,
        minScale: 0.05,
        canvas: true,
        cursor: 'grab',
        origin: '0 0',
        startScale: fitScale(svg, frame),
      });
      const wheel = (event: WheelEvent) => panzoom.current?.zoomWithWheel(event);
      el.addEventListener('wheel', wheel, { passive: false });
      let entry: ReturnType<typeof setTimeout> | undefined;
      const painted = requestAnimationFrame(() => {
        paintedRef.current?.(current.cached);
        // Keyboard entry: the first box in reading order (which needs the boxes' positions), set
        // once this frame is painted, unless a box was refocused above.
        if (!again) entry = setTimeout(() => readingOrder(el)[0]?.setAttribute('tabindex', '0'), 0);
      });
      return () => {
        cancelAnimationFrame(painted);
        clearTimeout(entry);
        el.removeEventListener('wheel', wheel);
        panzoom.current?.destroy();
        panzoom.current = null;
      };
    }
  }, [current, boxes, svgRef]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const click = (event: MouseEvent) => {
      const target = (event.target as Element).closest('[data-mermaid-id]');
      const id = target?.getAttribute('data-mermaid-id');
      if (id) clickRef.current?.(id, event);
    };
    const move = (from: Element, to: Element | null | undefined, event: KeyboardEvent) => {
      if (!to) return;
      event.preventDefault();
      from.setAttribute('tabindex', '-1');
      to.setAttribute('tabindex', '0');
      (to as SVGGElement).focus();
    };
    const key = (event: KeyboardEvent) => {
      const box = (event.target as Element).closest('[data-mermaid-id]');
      const id = box?.getAttribute('data-mermaid-id');
      if (!box || !id) return;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        refocus.current = box.getAttribute('data-box-id');
        clickRef.current?.(id, new MouseEvent('click'));
      } else if (event.key === 'Tab') {
        const order = readingOrder(el);
        const at = order.indexOf(box as SVGGElement);
        move(box, order[event.shiftKey ? at - 1 : at + 1], event);
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowRight' || event.key === 'ArrowUp' || event.key === 'ArrowLeft') {
        const linked = linksRef.current.get(id);
        const next = event.key === 'ArrowDown' || event.key === 'ArrowRight' ? linked?.down : linked?.up;
        const target = next?.map((n) => el.querySelector(`[data-mermaid-id="${n}"]`)).find((t) => t !== null);
        move(box, target, event);
      }
    };
    el.addEventListener('click', click);
    el.addEventListener('keydown', key);
    return () => {
      el.removeEventListener('click', click);
      el.removeEventListener('keydown', key);
    };
  }, []);

  return (
    <div className="mermaid-wrap">
      {!current && <div className="loading">Laying out the diagram…</div>}
      {current?.error && (
        <div className="error-panel" role="alert" data-testid="error">
          The diagram could not be drawn: {current.error}
        </div>
      )}
      <div className="mermaid-host" ref={host} />
      <div className="zoom-controls">
        <button type="button" onClick={() => panzoom.current?.zoomIn()} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => panzoom.current?.zoomOut()} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => panzoom.current?.reset()} aria-label="Reset zoom">
          ⟲
        </button>
      </div>
    </div>
  );
}

/** The smallest label text a first view may show, in screen pixels. */
export const MIN_LABEL_PX = 11;

/** The size of the label font at scale 1, in px; undefined when there is no label to measure. */
function labelPixels(svg: SVGSVGElement, width: number): number | undefined {
  const label = svg.querySelector('g.node text') ?? svg.querySelector('text');
  const box = svg.viewBox.baseVal;
  if (!label || !box?.width) return undefined;
  const font = parseFloat(getComputedStyle(label).fontSize);
  const unit = width / box.width;
  return font > 0 && unit > 0 ? font * unit : undefined;
}

/** The SVG's size at scale 1, from its attributes (mermaid writes them in px; a percentage falls back to the viewBox). */
function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const box = svg.viewBox.baseVal;
  const px = (length: SVGAnimatedLength, fallback: number) =>
    length.baseVal.unitType === SVGLength.SVG_LENGTHTYPE_PX || length.baseVal.unitType === SVGLength.SVG_LENGTHTYPE_NUMBER ? length.baseVal.value : fallback;
  return { width: px(svg.width, box?.width ?? 0), height: px(svg.height, box?.height ?? 0) };
}

/**
 * The first view's scale: fitted to the width of its frame, never enlarged, and never so small that
 * labels fall under MIN_LABEL_PX. A diagram too wide for that is fitted to the height instead (at
 * the legible scale at least), and is panned horizontally from its left edge.
 */
function fitScale(svg: SVGSVGElement, frame: { width: number; height: number }): number {
  const size = svgSize(svg);
  const availableWidth = frame.width - 32;
  const availableHeight = frame.height - 32;
  if (!size.width || availableWidth <= 0) return 1;
  const fitWidth = Math.min(1, availableWidth / size.width);
  const pixels = labelPixels(svg, size.width);
  const legible = pixels ? MIN_LABEL_PX / pixels : 0;
  if (fitWidth >= legible) return fitWidth;
  const fitHeight = availableHeight > 0 && size.height ? Math.min(1, availableHeight / size.height) : 1;
  return Math.max(legible, fitHeight);
}

function onBoxClickable(kind: string): boolean {
  return kind !== 'stub-none';
}
