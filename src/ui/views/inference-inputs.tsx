import type { ValueInfo } from '../../inference/engine';
import { FILL_MODES, type FillMode, type FillOptions } from '../../inference/generate';
import { IMAGE_PRESETS } from '../../inference/image';
import {
  canTakeImage,
  canTakeTokens,
  defaultRecipe,
  inputDims,
  type ImageSettings,
  type InputRecipe,
  type SourceKind,
  type TensorFileRef,
} from '../../inference/input-recipe';
import type { NamedBlob } from '../../workers/inference-protocol';
import type { TensorFileSummary } from '../../inference/input-work';
import { FilePickerButton } from '../file-picker-button';
import { formatShape } from '../../model/units';

/**
 * The input editor: one block per model input, generated from the session's input metadata. It
 * edits recipes; the inference worker builds the tensors from them (a large input would freeze
 * the page if it were made here).
 */

export interface InputEditorState extends InputRecipe {
  /** Why the chosen file could not be read. */
  fileError?: string;
}

export const defaultEditorState: (info: ValueInfo, vocabSize?: number) => InputEditorState = defaultRecipe;
export { inputDims };

/** Decodes tensor files in the worker and says what each holds. */
export type DescribeFiles = (files: NamedBlob[]) => Promise<{ files: TensorFileSummary[]; problems: string[] }>;

/** A chosen file as the editor keeps it: the Blob and what it holds, not its values. */
export function tensorFileRef(file: Blob, summary: TensorFileSummary): TensorFileRef {
  return { name: summary.fileName, blob: file, dtype: summary.dtype, dims: summary.dims };
}

interface InputsEditorProps {
  inputs: readonly ValueInfo[];
  states: Record<string, InputEditorState>;
  symbols: Record<string, number>;
  seed: number;
  errors: Record<string, string>;
  notes: Record<string, string[]>;
  /** Problems with the files loaded through "Load inputs". */
  loadNotes: string[];
  vocabSize?: number;
  onChange: (name: string, state: InputEditorState) => void;
  onSymbol: (symbol: string, value: number) => void;
  onSeed: (seed: number) => void;
  onLoadFiles: (files: File[]) => void;
  describeFiles: DescribeFiles;
}

export function InputsEditor({
  inputs,
  states,
  symbols,
  seed,
  errors,
  notes,
  loadNotes,
  vocabSize,
  onChange,
  onSymbol,
  onSeed,
  onLoadFiles,
  describeFiles,
}: InputsEditorProps) {
  return (
    <section className="panel" aria-label="Inputs" data-testid="inference-inputs">
      <h2>Inputs</h2>
      <div className="toolbar" style={{ flexWrap: 'wrap', marginBottom: 8 }}>
        <label>
          Seed{' '}
          <input
            type="number"
            data-testid="seed-input"
            value={seed}
            min={0}
            step={1}
            onChange={(e) => onSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
          />
        </label>
        <FilePickerButton multiple accept=".npy,.pb" testId="inputs-files" onFiles={onLoadFiles}>
          Load inputs (.npy, .pb)
        </FilePickerButton>
        <span className="muted">Files match inputs by the name they hold, their file name, or input_N.</span>
      </div>
      {loadNotes.map((n) => (
        <p key={n} className="inline-error">
          {n}
        </p>
      ))}
      {inputs.map((info, index) => (
        <InputEditor
          key={info.name}
          info={info}
          index={index}
          state={states[info.name] ?? defaultEditorState(info, vocabSize)}
          symbols={symbols}
          error={errors[info.name]}
          notes={notes[info.name]}
          onChange={(s) => onChange(info.name, s)}
          onSymbol={onSymbol}
          describeFiles={describeFiles}
        />
      ))}
    </section>
  );
}

function NumberField({
  label,
  value,
  onChange,
  testId,
  step = 'any',
}: {
  label: string;
  value: number | undefined;
  onChange: (v: number) => void;
  testId?: string;
  step?: string;
}) {
  return (
    <label>
      {label}{' '}
      <input
        type="number"
        step={step}
        data-testid={testId}
        value={value ?? ''}
        onChange={(e) => e.target.value !== '' && Number.isFinite(Number(e.target.value)) && onChange(Number(e.target.value))}
      />
    </label>
  );
}

function InputEditor({
  info,
  index,
  state,
  symbols,
  error,
  notes,
  onChange,
  onSymbol,
  describeFiles,
}: {
  info: ValueInfo;
  index: number;
  state: InputEditorState;
  symbols: Record<string, number>;
  error?: string;
  notes?: string[];
  onChange: (state: InputEditorState) => void;
  onSymbol: (symbol: string, value: number) => void;
  describeFiles: DescribeFiles;
}) {
  const dims = inputDims(info, state, symbols);
  const set = (patch: Partial<InputEditorState>) => onChange({ ...state, ...patch });
  const setFill = (patch: Partial<Omit<FillOptions, 'seed'>>) => set({ fill: { ...state.fill, ...patch } });
  const sources: SourceKind[] = [
    'fill',
    'json',
    ...(canTakeTokens(info) ? (['tokens'] as const) : []),
    'file',
    ...(canTakeImage(info) ? (['image'] as const) : []),
  ];

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const described = await describeFiles([{ name: file.name, blob: file }]);
      const summary = described.files[0];
      if (!summary) throw new Error(described.problems[0] ?? `${file.name} could not be read`);
      set({ source: 'file', file: tensorFileRef(file, summary), fileError: undefined });
    } catch (e) {
      set({ source: 'file', file: undefined, fileError: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div
      className="inference-input"
      data-testid="input-editor"
      data-name={info.name}
      data-dtype={info.dtype ?? ''}
      style={{ borderTop: '1px solid var(--border)', padding: '8px 0' }}
    >
      <div className="toolbar" style={{ flexWrap: 'wrap' }}>
        <strong className="mono">{info.name}</strong>
        <span className="muted">
          #{index} · {info.dtype ?? info.typeName ?? 'unknown type'} · declared {info.shape ? formatShape(info.shape) : 'without a shape'}
        </span>
      </div>
      {info.shape && info.shape.length > 0 && (
        <div className="toolbar" style={{ flexWrap: 'wrap', margin: '4px 0' }} aria-label={`Shape of ${info.name}`}>
          <span className="muted">shape</span>
          {info.shape.map((dim, axis) =>
            typeof dim === 'number' ? (
              <span key={axis} className="mono" data-testid="dim-fixed" data-axis={axis}>
                {dim}
              </span>
            ) : (
              <label key={axis} title={dim ? `symbolic dimension ${dim}` : 'unnamed dimension'}>
                <span className="muted mono">{dim || `dim ${axis}`}</span>{' '}
                <input
                  type="number"
                  min={0}
                  step={1}
                  data-testid="dim-input"
                  data-input={info.name}
                  data-axis={axis}
                  value={dims[axis]}
                  onChange={(e) => {
                    const v = Math.floor(Number(e.target.value));
                    if (!Number.isSafeInteger(v) || v < 0) return;
                    if (dim) onSymbol(dim, v);
                    else set({ axes: { ...state.axes, [`#${axis}`]: v } });
                  }}
                />
              </label>
            ),
          )}
        </div>
      )}
      <div className="toolbar" style={{ flexWrap: 'wrap' }}>
        <label>
          values{' '}
          <select data-testid="input-source" value={state.source} onChange={(e) => set({ source: e.target.value as SourceKind })}>
            {sources.map((s) => (
              <option key={s} value={s}>
                {{ fill: 'generate', json: 'JSON', tokens: 'token ids', file: '.npy / .pb file', image: 'image' }[s]}
              </option>
            ))}
          </select>
        </label>
        {state.source === 'fill' && (
          <>
            <select data-testid="fill-mode" value={state.fill.mode} onChange={(e) => setFill({ mode: e.target.value as FillMode })} aria-label="Fill">
              {FILL_MODES.map((m) => (
                <option key={m} value={m}>
                  {m === 'normal' ? 'random normal' : m === 'uniform' ? 'random uniform' : m}
                </option>
              ))}
            </select>
            {state.fill.mode === 'normal' && (
              <>
                <NumberField label="mean" value={state.fill.mean ?? 0} onChange={(mean) => setFill({ mean })} />
                <NumberField label="std" value={state.fill.std ?? 1} onChange={(std) => setFill({ std })} />
              </>
            )}
            {state.fill.mode === 'uniform' && (
              <>
                <NumberField label="low" value={state.fill.low ?? 0} onChange={(low) => setFill({ low })} />
                <NumberField label="high" value={state.fill.high} onChange={(high) => setFill({ high })} />
              </>
            )}
            {state.fill.mode === 'range' && (
              <>
                <NumberField label="start" value={state.fill.start ?? 0} onChange={(start) => setFill({ start })} />
                <NumberField label="step" value={state.fill.step ?? 1} onChange={(step) => setFill({ step })} />
              </>
            )}
            <span className="muted mono">{formatShape(dims)}</span>
          </>
        )}
        {state.source === 'file' && (
          <>
            <FilePickerButton accept=".npy,.pb" testId="input-file" onFiles={(files) => void onFile(files[0])}>
              Choose a file (.npy, .pb)
            </FilePickerButton>
            {state.file && (
              <span className="muted">
                {state.file.name}: {state.file.dtype} {formatShape(state.file.dims)}
              </span>
            )}
          </>
        )}
        {state.source === 'image' && <ImageControls state={state} dims={dims} set={set} />}
      </div>
      {state.source === 'json' && (
        <textarea
          aria-label="Values as JSON"
          data-testid="input-json"
          rows={3}
          style={{ width: '100%', fontFamily: 'monospace' }}
          placeholder={`[[1, 2, 3]] or {"dims": [1, 3], "data": [1, 2, 3]} — shape ${formatShape(dims)}`}
          value={state.json}
          onChange={(e) => set({ json: e.target.value })}
        />
      )}
      {state.source === 'tokens' && (
        <input
          type="text"
          aria-label="Token ids, comma-separated"
          data-testid="input-tokens"
          style={{ width: '100%', fontFamily: 'monospace' }}
          placeholder="101, 7592, 2088, 102"
          value={state.tokens}
          onChange={(e) => set({ tokens: e.target.value })}
        />
      )}
      {notes?.map((n) => (
        <p key={n} className="muted">
          {n}
        </p>
      ))}
      {state.source === 'file' && state.fileError && <p className="inline-error">{state.fileError}</p>}
      {error && (
        <p className="inline-error" data-testid="input-error">
          {error}
        </p>
      )}
    </div>
  );
}

function ImageControls({ state, dims, set }: { state: InputEditorState; dims: number[]; set: (patch: Partial<InputEditorState>) => void }) {
  const settings = state.imageSettings;
  const setSettings = (patch: Partial<ImageSettings>) => set({ imageSettings: { ...settings, ...patch } });
  const setChannel = (key: 'mean' | 'std', c: number, v: number) => {
    const values = [...settings.normalization[key]] as [number, number, number];
    values[c] = v;
    setSettings({ preset: 'custom', normalization: { ...settings.normalization, [key]: values } });
  };
  return (
    <>
      <FilePickerButton accept="image/*" testId="input-image" onFiles={([file]) => file && set({ image: { file, name: file.name } })}>
        Choose an image
      </FilePickerButton>
      <label>
        normalize{' '}
        <select
          value={settings.preset}
          onChange={(e) => {
            const preset = IMAGE_PRESETS[e.target.value];
            if (preset) setSettings({ preset: e.target.value, normalization: preset.normalization });
          }}
        >
          {Object.entries(IMAGE_PRESETS).map(([key, p]) => (
            <option key={key} value={key}>
              {p.label}
            </option>
          ))}
          {settings.preset === 'custom' && <option value="custom">custom</option>}
        </select>
      </label>
      {(['mean', 'std'] as const).map((key) => (
        <span key={key}>
          {key}{' '}
          {[0, 1, 2].map((c) => (
            <input
              key={c}
              type="number"
              step="any"
              style={{ width: 64 }}
              aria-label={`${key} of channel ${c + 1}`}
              value={settings.normalization[key][c]}
              onChange={(e) => setChannel(key, c, Number(e.target.value))}
            />
          ))}
        </span>
      ))}
      <label>
        resize{' '}
        <select value={settings.fit} onChange={(e) => setSettings({ fit: e.target.value as 'stretch' | 'crop' })}>
          <option value="stretch">stretch</option>
          <option value="crop">centre crop</option>
        </select>
      </label>
      <select
        aria-label="Channel order"
        value={settings.normalization.channelOrder}
        onChange={(e) => setSettings({ normalization: { ...settings.normalization, channelOrder: e.target.value as 'rgb' | 'bgr' } })}
      >
        <option value="rgb">RGB</option>
        <option value="bgr">BGR</option>
      </select>
      <span className="muted">
        {state.image ? `${state.image.name} → ` : ''}
        {formatShape(dims)}
      </span>
    </>
  );
}
