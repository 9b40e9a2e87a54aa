import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floatValue, syntheticGraph, syntheticNode as node } from '../../test/builders/synthetic-graph';
import type { GraphViewRequest } from '../graph/graph-view-model';
import { ParseClient } from './parse-client';
import { parseHandlers } from './parse-handlers';
import { PARSE_PROTOCOL } from './parse-protocol';
import { serveRequests } from './worker-protocol';

/** The parse client's graph requests against the real handlers, through an in-process fake worker (structuredClone both ways). */
class FakeWorker extends EventTarget {
  readonly received: { type: string }[] = [];
  terminated = false;
  #serve = serveRequests(PARSE_PROTOCOL, parseHandlers, (message) => {
    if (!this.terminated) queueMicrotask(() => this.dispatchEvent(new MessageEvent('message', { data: structuredClone(message) })));
  });

  postMessage(message: unknown): void {
    const data = structuredClone(message) as { type: string };
    this.received.push(data);
    this.#serve(data);
  }

  terminate(): void {
    this.terminated = true;
  }
}

const graph = syntheticGraph([node('0', '/a/MatMul', 'MatMul', ['x', 'W'], ['a1']), node('1', '/b/Relu', 'Relu', ['a1'], ['y'])], {
  inputs: [floatValue('x', [1, 4])],
  outputs: [floatValue('y', [1, 4])],
});

describe('ParseClient graph view model', () => {
  it('sends a graph once, then asks for views of it; a fresh worker gets it again', async () => {
    const workers: FakeWorker[] = [];
    const client = new ParseClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    });
    const first = await client.graphView(graph, [], { scopeId: '', expanded: [], instances: [], theme: 'light' });
    expect(first.view.boxes.filter((b) => b.kind === 'scope')).toHaveLength(2);
    const opened = await client.graphView(graph, [], { scopeId: '', expanded: ['a'], instances: [], theme: 'light' });
    expect(opened.boxes.some(([, box]) => box.nodeId === '0')).toBe(true);
    expect((await client.graphSearch(graph, [], 'relu', 5)).hits.map((h) => h.nodeId)).toEqual(['1']);
    expect(workers[0]!.received.map((m) => m.type)).toEqual(['graph-load', 'graph-view', 'graph-view', 'graph-search']);

    client.terminate('stopped by the test');
    expect(await client.graphNode(graph, [], '1')).toMatchObject({ nodeIndex: 1 });
    expect(workers[1]!.received.map((m) => m.type)).toEqual(['graph-load', 'graph-node']);
  });
});

describe('ParseClient open', () => {
  const transformer = (path: string) => ({ path, blob: new Blob([readFileSync(join(import.meta.dirname, '../../e2e/models/tiny-transformer/model.onnx'))]) });
  const top: GraphViewRequest = { scopeId: '', instances: [], theme: 'light' };

  it('leaves the opened graph in the worker, so the first view needs no graph-load; the next open drops it', async () => {
    const worker = new FakeWorker();
    const client = new ParseClient(() => worker as unknown as Worker);
    const first = await client.open([transformer('a.onnx')]);
    const view = await client.graphView(first.graphs![0]!, first.tensors, top);
    expect(view.view.renderedCount).toBeGreaterThan(0);
    expect(worker.received.map((m) => m.type)).toEqual(['open', 'graph-view']);

    const second = await client.open([transformer('b.onnx')]);
    await client.graphView(second.graphs![0]!, second.tensors, top);
    // The first document's tree was dropped when the second opened: asking for it sends it again.
    const again = await client.graphView(first.graphs![0]!, first.tensors, top);
    expect(again.diagram.text).toBe(view.diagram.text);
    expect(worker.received.map((m) => m.type)).toEqual(['open', 'graph-view', 'open', 'graph-view', 'graph-view', 'graph-load', 'graph-view']);
  });

  it("asks for the first view with the document, and answers the Graph view's first request with it", async () => {
    const worker = new FakeWorker();
    const client = new ParseClient(() => worker as unknown as Worker);
    const document = await client.open([transformer('a.onnx')], { firstView: top });
    expect(worker.received.map((m) => m.type)).toEqual(['open', 'graph-view']);
    // The same request, its fields in another order: no new request, the same model.
    const view = await client.graphView(document.graphs![0]!, document.tensors, { theme: 'light', instances: [], scopeId: '' });
    expect(view.view.renderedCount).toBeGreaterThan(0);
    expect(worker.received.map((m) => m.type)).toEqual(['open', 'graph-view']);
    // Any later request, or another view, goes to the worker.
    await client.graphView(document.graphs![0]!, document.tensors, top);
    await client.graphView(document.graphs![0]!, document.tensors, { ...top, theme: 'dark' });
    expect(worker.received.map((m) => m.type)).toEqual(['open', 'graph-view', 'graph-view', 'graph-view']);
  });
});
