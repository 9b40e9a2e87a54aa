import { useRef, useState, type RefObject } from 'react';
import { mulberry32 } from '../../inference/generate';
import { chooseNext, feedsForIds, lastLogits, softmax, textModeProblem, topK, type NextToken } from '../../inference/next-tokens';
import type { NamedTensor } from '../../inference/tensor';
import type { ModelDocument } from '../../model/document';
import { CancelledError, toLoupeError } from '../../model/errors';
import { knownSpecialTokens } from '../../formats/tokenizer/lint-tokenizer';
import { SAMPLE_CONVERSATION } from '../../formats/tokenizer/render-chat-template';
import { tokenIds } from '../../formats/tokenizer/json-object';
import type { TokenizerFacts } from '../../formats/tokenizer/tokenizer-facts';
import type { InferenceClient } from '../../workers/inference-client';
import type { SessionInfo } from '../../workers/inference-protocol';
import type { TokenizerClient } from '../../workers/tokenizer-client';
import { roleTokens, useTokenizerClient } from './tokenizer-panel';

const TOP_K = 10;
const MAX_GENERATE = 256;

type TextState =
  | { state: 'idle' }
  | { state: 'running'; message: string; done?: number; total?: number }
  | { state: 'done'; ids: number[]; next: (NextToken & { text: string })[] }
  | { state: 'generated'; ids: number[]; generated: number[]; text: string; stopped: 'stop-id' | 'length' | 'cancelled' }
  | { state: 'error'; message: string };

/** The logits: an output named `logits`, else the first float output. */
function logitsOf(outputs: NamedTensor[]): NamedTensor {
  const found = outputs.find((o) => o.name === 'logits') ?? outputs.find((o) => o.dtype === 'float32' || o.dtype === 'float64');
  if (!found) throw new Error('The model gives no float output to read as logits.');
  return found;
}

/**
 * Text mode of the Inference view, for a language model opened with its tokenizer: prompt → ids
 * (optionally through the chat template) → the next tokens with their probabilities, or a
 * generate loop (greedy or sampled with the generation config) that stops on the stop ids.
 * Test hooks: `prompt-input`, `next-tokens` (items `next-token[data-id]`), `prompt-ids`.
 */
export function TextModePanel({
  document,
  tokenizer,
  info,
  client,
}: {
  document: ModelDocument;
  tokenizer: TokenizerFacts;
  info: SessionInfo;
  client: RefObject<InferenceClient | null>;
}) {
  const { client: tokens, ready, error } = useTokenizerClient(tokenizer);
  const generation = tokenizer.generation;
  const [prompt, setPrompt] = useState('hello world');
  const [useTemplate, setUseTemplate] = useState(false);
  const [greedy, setGreedy] = useState(!generation?.doSample);
  const [count, setCount] = useState(Math.min(generation?.maxNewTokens ?? 16, 32));
  const [state, setState] = useState<TextState>({ state: 'idle' });
  const controller = useRef<AbortController | null>(null);
  const problem = textModeProblem(info.inputs);
  const stopIds = generation?.eosTokenId ?? tokenIds(document.config?.raw.eos_token_id) ?? [];
  const template = tokenizer.templates.find((t) => t.name === 'default') ?? tokenizer.templates[0];

  if (problem) return null;

  const promptIds = async (t: TokenizerClient): Promise<number[]> => {
    if (useTemplate && template) {
      const messages = [SAMPLE_CONVERSATION[0]!, { role: 'user', content: prompt }];
      const rendered = await t.render(template.source, messages, true, roleTokens(tokenizer), knownSpecialTokens(tokenizer));
      if (!rendered.result.ok) throw new Error(`The chat template fails to render: ${rendered.result.error}`);
      return (await t.encode(rendered.result.text, false)).ids;
    }
    return (await t.encode(prompt)).ids;
  };

  const runIds = async (ids: number[], signal: AbortSignal): Promise<Float32Array> => {
    const c = client.current;
    if (!c) throw new Error('The session is not ready.');
    const result = await c.run(feedsForIds(info.inputs, ids), { signal });
    return lastLogits(logitsOf(result.outputs));
  };

  const start = async (work: (t: TokenizerClient, signal: AbortSignal) => Promise<void>) => {
    if (!tokens) return;
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    try {
      await work(tokens, c.signal);
    } catch (e) {
      if (e instanceof CancelledError || c.signal.aborted) return;
      setState({ state: 'error', message: toLoupeError(e).message });
    } finally {
      if (controller.current === c) controller.current = null;
    }
  };

  const nextTokens = () =>
    start(async (t, signal) => {
      setState({ state: 'running', message: 'Tokenizing and running…' });
      const ids = await promptIds(t);
      const probabilities = softmax(await runIds(ids, signal));
      const top = topK(probabilities, TOP_K);
      const texts = await t.tokensOf(top.map((n) => n.id));
      if (!signal.aborted) setState({ state: 'done', ids, next: top.map((n, i) => ({ ...n, text: texts[i] ?? `#${n.id}` })) });
    });

  const generate = () =>
    start(async (t, signal) => {
      const ids = await promptIds(t);
      const generated: number[] = [];
      const random = mulberry32(0);
      let stopped: 'stop-id' | 'length' | 'cancelled' = 'length';
      for (let i = 0; i < count; i++) {
        setState({ state: 'running', message: `Generating: ${i} of ${count} tokens`, done: i, total: count });
        let logits: Float32Array;
        try {
          logits = await runIds([...ids, ...generated], signal);
        } catch (e) {
          if (signal.aborted) {
            stopped = 'cancelled';
            break;
          }
          throw e;
        }
        const next = chooseNext(logits, { greedy, temperature: generation?.temperature, topP: generation?.topP, topK: generation?.topK, random });
        generated.push(next);
        if (stopIds.includes(next)) {
          stopped = 'stop-id';
          break;
        }
      }
      setState({ state: 'generated', ids, generated, text: await t.decode(generated), stopped });
    });

  const cancel = () => {
    controller.current?.abort();
  };
  const running = state.state === 'running';

  return (
    <section className="panel text-mode" aria-label="Text">
      <h2>Text</h2>
      {error && <p className="diag diag-error">{error}</p>}
      <textarea aria-label="Prompt" data-testid="prompt-input" rows={2} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
      <div className="toolbar" style={{ flexWrap: 'wrap' }}>
        {template && (
          <label>
            <input type="checkbox" checked={useTemplate} onChange={(e) => setUseTemplate(e.target.checked)} /> through the chat template
          </label>
        )}
        <button type="button" className="primary" data-testid="next-tokens-run" disabled={!ready || running} onClick={() => void nextTokens()}>
          Next tokens
        </button>
        <label>
          generate{' '}
          <input
            type="number"
            aria-label="Tokens to generate"
            data-testid="generate-count"
            min={1}
            max={MAX_GENERATE}
            value={count}
            onChange={(e) => setCount(Math.max(1, Math.min(MAX_GENERATE, Number(e.target.value) || 1)))}
          />{' '}
          tokens
        </label>
        <label>
          <input type="checkbox" checked={greedy} onChange={(e) => setGreedy(e.target.checked)} /> greedy
        </label>
        <button type="button" data-testid="generate-run" disabled={!ready || running} onClick={() => void generate()}>
          Generate
        </button>
        {running && (
          <button type="button" data-testid="generate-cancel" onClick={cancel}>
            Cancel
          </button>
        )}
        <small>stop ids: {stopIds.join(', ') || 'none'}</small>
      </div>
      {state.state === 'running' && (
        <p>
          {state.message} {state.total !== undefined && <progress aria-label="Generation progress" value={state.done} max={state.total} />}
        </p>
      )}
      {state.state === 'error' && <p className="diag diag-error">{state.message}</p>}
      {(state.state === 'done' || state.state === 'generated') && (
        <p data-testid="prompt-ids" data-ids={state.ids.join(',')}>
          {state.ids.length} prompt tokens: {state.ids.join(' ')}
        </p>
      )}
      {state.state === 'done' && (
        <ol data-testid="next-tokens" data-ids={state.next.map((n) => n.id).join(',')}>
          {state.next.map((n) => (
            <li key={n.id} data-testid="next-token" data-id={n.id} data-probability={n.probability}>
              <code>{n.text}</code> (id {n.id}) {(n.probability * 100).toFixed(2)}%
            </li>
          ))}
        </ol>
      )}
      {state.state === 'generated' && (
        <p data-testid="generated-text" data-ids={state.generated.join(',')} data-stopped={state.stopped}>
          {state.text}{' '}
          <small>
            ({state.generated.length} tokens;{' '}
            {state.stopped === 'stop-id' ? 'stopped on a stop id' : state.stopped === 'cancelled' ? 'cancelled' : 'reached the count'})
          </small>
        </p>
      )}
    </section>
  );
}
