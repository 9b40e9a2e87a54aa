import { useCallback, useMemo, useRef, useState } from 'react';
import { DEFAULT_ATOL, DEFAULT_RTOL, type Tolerance } from '../../inference/compare';
import { matchTensorFiles } from '../../inference/match-files';
import { externalDataFiles, onnxModelPaths } from '../../inference/model-files';
import { InferenceError } from '../../inference/ort-errors';
import { DEFAULT_RUNTIME_OPTIONS, type BackendPreference, type RuntimeOptions } from '../../inference/runtime-options';
import type { NamedTensor } from '../../inference/tensor';
import type { ModelDocument } from '../../model/document';
import { CancelledError, toLoupeError } from '../../model/errors';
import type { ModelFiles } from '../../workers/inference-client';
import type { SessionInfo } from '../../workers/inference-protocol';
import type { FileInput } from '../../workers/parse-protocol';
import { BenchPanel } from './inference-bench';
import { InputsEditor, defaultEditorState, tensorFileRef, type DescribeFiles, type InputEditorState } from './inference-inputs';
import { OutputsPanel, type CompareOutputs, type ExpectedTensor, type RunState } from './inference-outputs';
import { describeProgress, useInferenceSession } from './inference-session';
import { installInferenceTestHooks } from './inference-test-hooks';
import { formatBytes } from '../../model/units';
import { TextModePanel } from './inference-text';

installInferenceTestHooks();

/**
 * In-page inference of ONNX models with ONNX Runtime Web, in a worker. ORT's WebAssembly loads
 * only when this view opens a model. Test hooks: `run-inference`, `cancel-inference`,
 * `inference-output[data-state][data-runs][data-compare]` with one `output-tensor[data-name]
 * [data-shape][data-dtype][data-compare][data-max-abs]` per output, `backend[data-backend]
 * [data-threads]`; in the input editor `seed-input`, `dim-input[data-input][data-axis]`,
 * `input-source`, `fill-mode`, `inputs-files`, `expected-files`.
 */
export function InferenceView({ document, files = [] }: { document: ModelDocument; files: FileInput[] }) {
  const models = useMemo(() => onnxModelPaths(files, document), [files, document]);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const modelPath = chosen && models.includes(chosen) ? chosen : models[0];

  if (!modelPath) {
    return (
      <div className="inference-view">
        <p className="empty">
          {document.formats.includes('onnx')
            ? 'The ONNX model’s files are not available to this view; open them again.'
            : 'Inference runs ONNX models. This model has no ONNX file.'}
        </p>
      </div>
    );
  }
  return (
    <div className="inference-view" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      {models.length > 1 && (
        <div className="toolbar">
          <label>
            Model{' '}
            <select data-testid="inference-model" value={modelPath} onChange={(e) => setChosen(e.target.value)}>
              {models.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <ModelWorkbench key={modelPath} document={document} files={files} modelPath={modelPath} />
    </div>
  );
}

function ModelWorkbench({ document, files, modelPath }: { document: ModelDocument; files: FileInput[]; modelPath: string }) {
  const model: ModelFiles = useMemo(() => {
    const file = files.find((f) => f.path === modelPath)!;
    const externalData = externalDataFiles(modelPath, files, document).map(({ path, file: f }) => ({ path, blob: f.blob }));
    return { model: { path: file.path, blob: file.blob }, externalData };
  }, [files, modelPath, document]);
  const [options, setOptions] = useState<RuntimeOptions>(DEFAULT_RUNTIME_OPTIONS);
  const { session, client } = useInferenceSession(model, options);

  const vocabSize = typeof document.config?.raw.vocab_size === 'number' ? document.config.raw.vocab_size : undefined;
  const labels = document.config?.raw.id2label as Record<string, unknown> | undefined;

  const [states, setStates] = useState<Record<string, InputEditorState>>({});
  const [symbols, setSymbols] = useState<Record<string, number>>({});
  const [seed, setSeed] = useState(0);
  const [inputErrors, setInputErrors] = useState<Record<string, string>>({});
  const [inputNotes, setInputNotes] = useState<Record<string, string[]>>({});
  const [loadNotes, setLoadNotes] = useState<string[]>([]);
  const [run, setRun] = useState<RunState>({ state: 'idle' });
  const [runs, setRuns] = useState(0);
  const [expected, setExpected] = useState<Map<string, ExpectedTensor>>(new Map());
  const [expectedNotes, setExpectedNotes] = useState<string[]>([]);
  const [tolerance, setTolerance] = useState<Tolerance>({ rtol: DEFAULT_RTOL, atol: DEFAULT_ATOL });
  const runController = useRef<AbortController | null>(null);

  const info: SessionInfo | undefined = session.state === 'ready' ? session.info : undefined;
  const ready = session.state === 'ready' ? session.client : undefined;

  // The inputs are built in the inference worker; the tensors come back transferred, not copied.
  const makeFeeds = useCallback(
    async (signal?: AbortSignal): Promise<NamedTensor[] | undefined> => {
      if (!info || !ready) return undefined;
      const built = await ready.buildFeeds({ inputs: info.inputs, recipes: states, symbols, seed, vocabSize }, { signal });
      setInputErrors(built.errors);
      setInputNotes(built.notes);
      return Object.keys(built.errors).length ? undefined : built.feeds;
    },
    [info, ready, states, symbols, seed, vocabSize],
  );

  const runOnce = async () => {
    const c = client.current;
    if (!c) return;
    runController.current?.abort();
    const controller = new AbortController();
    runController.current = controller;
    setRun({ state: 'running', message: 'Preparing the inputs…' });
    try {
      const feeds = await makeFeeds(controller.signal);
      if (controller.signal.aborted) return; // cancelled while the inputs were made
      if (!feeds) {
        setRun({ state: 'idle' });
        return;
      }
      setRun({ state: 'running', message: 'Running…' });
      const result = await c.run(feeds, {
        transfer: true,
        signal: controller.signal,
        onProgress: (p) => !controller.signal.aborted && setRun({ state: 'running', message: describeProgress(p, modelPath) }),
      });
      if (controller.signal.aborted) return;
      setRun({ state: 'done', outputs: result.outputs, summaries: result.summaries, ms: result.ms, wallMs: result.wallMs });
      setRuns((n) => n + 1);
    } catch (error) {
      if (error instanceof CancelledError || controller.signal.aborted) {
        setRun({ state: 'cancelled' });
        return;
      }
      const e = toLoupeError(error);
      setRun({
        state: 'error',
        message: e.message,
        node: e instanceof InferenceError ? e.node : undefined,
        detail: e instanceof InferenceError ? e.detail : undefined,
      });
    } finally {
      if (runController.current === controller) runController.current = null;
    }
  };

  const cancel = () => {
    runController.current?.abort();
    runController.current = null;
    setRun({ state: 'cancelled' });
  };

  const describeFiles: DescribeFiles = useCallback(
    async (list) => {
      if (!ready) throw new InferenceError('runtime', 'No model is loaded.');
      return ready.describeFiles(list);
    },
    [ready],
  );

  const compare: CompareOutputs = useCallback(
    async (outputs, files, t) => {
      return ready ? ready.compare(outputs, files, t) : {};
    },
    [ready],
  );

  /** Decodes the files in the worker; each comes back as a reference to its Blob with what it holds. */
  const readTensorFiles = async (list: File[]) => {
    const byName = new Map(list.map((f) => [f.name, f]));
    let described: Awaited<ReturnType<DescribeFiles>>;
    try {
      described = await describeFiles(list.map((f) => ({ name: f.name, blob: f })));
    } catch (error) {
      return { loaded: [], problems: [toLoupeError(error).message] };
    }
    const loaded = described.files.map((summary) => ({
      fileName: summary.fileName,
      storedName: summary.storedName,
      ref: tensorFileRef(byName.get(summary.fileName)!, summary),
    }));
    return { loaded, problems: described.problems };
  };

  const loadInputs = async (list: File[]) => {
    if (!info) return;
    const { loaded, problems } = await readTensorFiles(list);
    const { matched, unmatched } = matchTensorFiles(
      info.inputs.map((i) => i.name),
      loaded,
      'input',
    );
    const next = { ...states };
    for (const [name, f] of matched) {
      const input = info.inputs.find((i) => i.name === name)!;
      next[name] = { ...(states[name] ?? defaultEditorState(input, vocabSize)), source: 'file', file: f.ref, fileError: undefined };
    }
    setStates(next);
    setLoadNotes([...problems, ...unmatched.map((u) => `${u.fileName} matches no input`)]);
  };

  const loadExpected = async (list: File[]) => {
    if (!info) return;
    const { loaded, problems } = await readTensorFiles(list);
    const { matched, unmatched } = matchTensorFiles(
      info.outputs.map((o) => o.name),
      loaded,
      'output',
    );
    const next = new Map(expected);
    for (const [name, f] of matched) next.set(name, { fileName: f.fileName, blob: f.ref.blob });
    setExpected(next);
    setExpectedNotes([...problems, ...unmatched.map((u) => `${u.fileName} matches no output`)]);
  };

  const running = run.state === 'running';
  return (
    <>
      <section className="panel" aria-label="Runtime">
        <h2>Runtime</h2>
        <div className="toolbar" style={{ flexWrap: 'wrap' }}>
          <span className="mono">{modelPath}</span>
          <span className="muted">
            {formatBytes(model.model.blob.size)}
            {model.externalData.length > 0 && ` + external data ${model.externalData.map((f) => f.path).join(', ')}`}
          </span>
          <label>
            backend{' '}
            <select
              data-testid="backend-select"
              value={options.backend}
              onChange={(e) => setOptions({ ...options, backend: e.target.value as BackendPreference })}
            >
              <option value="auto">auto (WebGPU when available)</option>
              <option value="wasm">WebAssembly</option>
              <option value="webgpu">WebGPU</option>
            </select>
          </label>
          <label>
            threads{' '}
            <input
              type="number"
              min={0}
              max={64}
              data-testid="threads-input"
              title="0 picks from the number of cores"
              value={options.threads}
              onChange={(e) => setOptions({ ...options, threads: Math.max(0, Math.min(64, Math.floor(Number(e.target.value) || 0))) })}
            />
          </label>
          {info && (
            <span data-testid="backend" data-backend={info.backend} data-threads={info.threads} data-isolated={String(info.crossOriginIsolated)}>
              <strong>{info.backend === 'webgpu' ? 'WebGPU' : 'WebAssembly (SIMD)'}</strong> · {info.threads} thread{info.threads === 1 ? '' : 's'}
              {info.adapter && ` · ${info.adapter}`}
              <span className="muted">
                {' '}
                · session in {Math.round(info.timings.sessionMs)} ms (runtime {Math.round(info.timings.runtimeMs)} ms)
              </span>
            </span>
          )}
        </div>
        {info?.fallback && (
          <p className="muted" data-testid="backend-fallback">
            {info.fallback}
          </p>
        )}
        {session.state === 'loading' && (
          <p aria-busy="true" data-testid="session-loading">
            {describeProgress(session.progress, modelPath)}
            {session.progress?.phase === 'read' && session.progress.total > 0 && (
              <progress max={session.progress.total} value={session.progress.done} style={{ marginLeft: 8 }} aria-label="Reading the model" />
            )}
          </p>
        )}
        {session.state === 'error' && (
          <div
            className="error-panel"
            role="alert"
            data-testid="session-error"
            data-node={session.error instanceof InferenceError ? session.error.node : undefined}
          >
            <strong>The model could not be loaded</strong>
            <p>{session.error.message}</p>
            {session.error instanceof InferenceError && session.error.detail && session.error.detail !== session.error.message && (
              <details>
                <summary>ONNX Runtime's message</summary>
                <pre style={{ whiteSpace: 'pre-wrap' }}>{session.error.detail}</pre>
              </details>
            )}
          </div>
        )}
      </section>

      {info && (
        <>
          {document.tokenizer?.tokenizerJson && <TextModePanel document={document} tokenizer={document.tokenizer} info={info} client={client} />}
          <InputsEditor
            inputs={info.inputs}
            states={states}
            symbols={symbols}
            seed={seed}
            errors={inputErrors}
            notes={inputNotes}
            loadNotes={loadNotes}
            vocabSize={vocabSize}
            onChange={(name, s) => setStates({ ...states, [name]: s })}
            onSymbol={(symbol, value) => setSymbols({ ...symbols, [symbol]: value })}
            onSeed={setSeed}
            onLoadFiles={(list) => void loadInputs(list)}
            describeFiles={describeFiles}
          />
          <div className="toolbar">
            <button type="button" className="primary" data-testid="run-inference" disabled={running} onClick={() => void runOnce()}>
              Run
            </button>
            {running && (
              <button type="button" data-testid="cancel-inference" onClick={cancel}>
                Cancel
              </button>
            )}
          </div>
          <OutputsPanel
            run={run}
            runs={runs}
            expected={expected}
            expectedNotes={expectedNotes}
            tolerance={tolerance}
            labels={labels}
            compare={compare}
            onTolerance={setTolerance}
            onLoadExpected={(list) => void loadExpected(list)}
            onClearExpected={() => {
              setExpected(new Map());
              setExpectedNotes([]);
            }}
          />
          <BenchPanel model={model} buildFeeds={() => makeFeeds()} />
        </>
      )}
    </>
  );
}
