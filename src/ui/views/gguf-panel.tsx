import { useEffect, useMemo, useState } from 'react';
import { ggufKvCacheBytesPerToken, ggufMemoryFit, KV_CACHE_TYPES, parameterFacts, type GgufSourceRef, type KvCacheType } from '../../formats/gguf/gguf-facts';
import type { GgufFileFacts } from '../../formats/gguf/gguf-format';
import { parseGgufSplitName } from '../../formats/gguf/merge-gguf-splits';
import type { ChatTemplateResult } from '../../formats/tokenizer/render-chat-template';
import type { ModelDocument, ParsedFile, TensorInfo } from '../../model/document';
import { toLoupeError } from '../../model/errors';
import { formatInteger, formatBytes, formatCount } from '../../model/units';
import { getParseClient } from '../parse-client-instance';

type GgufEntry = Extract<ParsedFile, { format: 'gguf' }>;

/** Memory budgets offered as presets, in GB (10^9 bytes, as formatBytes shows sizes). */
export const BUDGET_PRESETS_GB = [8, 16, 24, 48, 80] as const;
/** How long a chat template may render before its worker is stopped. */
const CHAT_TEMPLATE_TIMEOUT_MS = 5000;

/** The GGUF models of a document: each unsplit file, and the first given split of each split set, with the tensors of all its splits. */
export function ggufModels(document: ModelDocument): { file: GgufEntry; tensors: TensorInfo[] }[] {
  const files = document.files.filter((f): f is GgufEntry => f.format === 'gguf');
  const seen = new Set<string>();
  const models: { file: GgufEntry; tensors: TensorInfo[] }[] = [];
  for (const file of [...files].sort((a, b) => (a.facts.split?.index ?? 0) - (b.facts.split?.index ?? 0))) {
    const prefix = file.facts.split ? (parseGgufSplitName(file.path)?.prefix ?? file.path) : file.path;
    if (seen.has(prefix)) continue;
    seen.add(prefix);
    const paths = new Set(file.facts.split ? files.filter((f) => (parseGgufSplitName(f.path)?.prefix ?? f.path) === prefix).map((f) => f.path) : [file.path]);
    models.push({ file, tensors: document.tensors.filter((t) => paths.has(t.file)) });
  }
  return models;
}

/** Everything a GGUF header says: the model, its quantization, provenance, architecture, memory fit, tokenizer, chat template and metadata. */
export function GgufPanel({ document }: { document: ModelDocument }) {
  const models = useMemo(() => ggufModels(document), [document]);
  return (
    <>
      {models.map(({ file, tensors }) => (
        <GgufModel key={file.path} file={file} tensors={tensors} />
      ))}
    </>
  );
}

function GgufModel({ file, tensors }: { file: GgufEntry; tensors: TensorInfo[] }) {
  const { general, provenance, architecture, adapter, tokenizer, chatTemplate } = file.facts;
  const parameters = useMemo(() => parameterFacts(tensors), [tensors]);
  return (
    <section className="panel" data-testid="gguf-panel" aria-label={`GGUF ${file.path}`}>
      <h2>GGUF ({file.path})</h2>
      <dl className="kv">
        <Row label="architecture" testId="gguf-architecture" value={general.architecture} />
        <Row label="name" testId="gguf-name" value={general.name} />
        <Row label="size label" value={general.sizeLabel} />
        <Row label="type" value={general.type} />
        <Row label="licence" testId="gguf-license" value={general.license ?? general.licenseName} />
        <Row
          label="quantization"
          testId="gguf-file-type"
          value={
            general.fileType &&
            `${general.fileType.name}${general.fileType.guessed ? ' (guessed)' : ''}${general.fileType.known ? '' : ` (file_type ${general.fileType.id})`}`
          }
        />
        <Row label="quantization version" value={general.quantizationVersion} />
        <div>
          <dt>parameters</dt>
          <dd data-testid="gguf-parameters" data-value={parameters.total}>
            {formatInteger(parameters.total)} ({formatCount(parameters.total)})
          </dd>
        </div>
        <div>
          <dt>weights</dt>
          <dd data-testid="gguf-bits-per-weight" data-value={parameters.bitsPerWeight}>
            {formatBytes(parameters.bytes)}, {bits(parameters.bitsPerWeight)} bits per weight
          </dd>
        </div>
        <Row label="GGUF version" value={`${file.version}${file.littleEndian ? '' : ', big-endian'}`} />
        {file.facts.split && <Row label="split" value={`${file.facts.split.count} files`} />}
      </dl>

      <h3>By ggml type</h3>
      <table className="grid">
        <thead>
          <tr>
            <th>type</th>
            <th className="num">tensors</th>
            <th className="num">parameters</th>
            <th className="num">bytes</th>
            <th className="num">bits per weight</th>
          </tr>
        </thead>
        <tbody>
          {parameters.byType.map((usage) => (
            <tr key={usage.type} data-testid="ggml-type-row" data-type={usage.type} data-bpw={usage.bitsPerWeight}>
              <td>{usage.type}</td>
              <td className="num">{formatInteger(usage.tensors)}</td>
              <td className="num">{formatInteger(usage.parameters)}</td>
              <td className="num">{formatBytes(usage.bytes)}</td>
              <td className="num">{bits(usage.bitsPerWeight)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {(provenance.baseModels.length > 0 || provenance.source || provenance.doi || provenance.datasets.length > 0) && (
        <>
          <h3>Provenance</h3>
          <dl className="kv" data-testid="gguf-provenance">
            {provenance.baseModels.map((ref, i) => (
              <Row key={`b${i}`} label="base model" value={describeRef(ref)} />
            ))}
            {provenance.source && <Row label="converted from" value={describeRef(provenance.source)} />}
            <Row label="DOI" value={provenance.doi} />
            {provenance.datasets.map((ref, i) => (
              <Row key={`d${i}`} label="dataset" value={typeof ref === 'string' ? ref : describeRef(ref)} />
            ))}
          </dl>
        </>
      )}

      {adapter && (
        <>
          <h3>LoRA adapter</h3>
          <dl className="kv" data-testid="gguf-adapter" data-rank={adapter.rank} data-alpha={adapter.alpha}>
            <Row label="adapter type" value={adapter.adapterType} />
            <Row label="rank" value={adapter.rank ?? adapter.ranks.join(', ')} />
            <Row label="alpha" value={adapter.alpha} />
            <Row label="parameters" value={formatInteger(adapter.parameterCount)} />
            <Row label="targets" value={`${adapter.targets.length}: ${adapter.targets.slice(0, 6).join(', ')}${adapter.targets.length > 6 ? '…' : ''}`} />
            {adapter.unpaired.length > 0 && <Row label="unpaired" value={adapter.unpaired.join(', ')} />}
          </dl>
        </>
      )}

      {architecture && (
        <>
          <h3>Architecture ({architecture.architecture}.*)</h3>
          <dl className="kv" data-testid="gguf-arch">
            <Row label="context length" value={architecture.contextLength} />
            <Row label="embedding length" value={architecture.embeddingLength} />
            <Row label="blocks" value={architecture.blockCount} />
            <Row label="feed-forward" value={perLayer(architecture.feedForwardLength)} />
            <Row label="heads" value={perLayer(architecture.headCount)} />
            <Row label="KV heads" value={perLayer(architecture.headCountKv)} />
            <Row
              label="key / value length"
              value={architecture.keyLength !== undefined ? `${architecture.keyLength} / ${architecture.valueLength ?? '–'}` : undefined}
            />
            <Row label="RoPE" value={rope(architecture)} />
            <Row
              label="experts"
              value={architecture.expertCount !== undefined ? `${architecture.expertCount}, ${architecture.expertUsedCount ?? '?'} per token` : undefined}
            />
            <Row label="vocabulary" value={architecture.vocabSize} />
          </dl>
          <WillItFit weightsBytes={parameters.bytes} architecture={architecture} />
        </>
      )}

      {tokenizer && (
        <>
          <h3>Tokenizer</h3>
          <dl className="kv" data-testid="gguf-tokenizer" data-vocab={tokenizer.vocabSize} data-merges={tokenizer.merges}>
            <Row label="model" value={tokenizer.model} />
            <Row label="pre-tokenizer" value={tokenizer.pre} />
            <Row label="vocabulary" value={tokenizer.vocabSize} />
            <Row label="merges" value={tokenizer.merges} />
            {tokenizer.special.map((t) => (
              <Row
                key={t.role}
                label={t.role.toUpperCase()}
                testId={`gguf-token-${t.role}`}
                value={`${t.id}${t.text !== undefined ? ` ${JSON.stringify(t.text)}` : ''}`}
              />
            ))}
          </dl>
        </>
      )}

      {chatTemplate !== undefined && (
        <ChatTemplate
          template={chatTemplate}
          bos={tokenizer?.special.find((t) => t.role === 'bos')?.text}
          eos={tokenizer?.special.find((t) => t.role === 'eos')?.text}
        />
      )}

      <GgufMetadataTable metadata={file.metadata} />
    </section>
  );
}

/** Whether weights plus the KV cache fit a memory budget at a context length, and the longest context that does. */
function WillItFit({ weightsBytes, architecture }: { weightsBytes: number; architecture: NonNullable<GgufFileFacts['facts']['architecture']> }) {
  const [budgetGb, setBudgetGb] = useState(24);
  const [context, setContext] = useState(() => Math.min(architecture.contextLength ?? 4096, 1 << 20));
  const [kvType, setKvType] = useState<KvCacheType>('F16');
  const perToken = ggufKvCacheBytesPerToken(architecture, kvType);
  if (perToken === undefined) return <p className="muted">Will it fit: the header lacks the head counts the KV cache needs.</p>;
  const fit = ggufMemoryFit({
    weightsBytes,
    kvBytesPerToken: perToken,
    contextLength: context,
    budgetBytes: budgetGb * 1e9,
    maxContext: architecture.contextLength,
  });
  return (
    <div data-testid="gguf-fit" data-fits={fit.fits} data-needed={fit.neededBytes} data-largest-context={fit.largestContext} data-kv-per-token={perToken}>
      <h3>Will it fit</h3>
      <p>
        <label>
          Memory{' '}
          <select
            value={BUDGET_PRESETS_GB.includes(budgetGb as never) ? budgetGb : ''}
            onChange={(e) => e.target.value && setBudgetGb(Number(e.target.value))}
            aria-label="Memory budget preset"
          >
            {!BUDGET_PRESETS_GB.includes(budgetGb as never) && <option value="">custom</option>}
            {BUDGET_PRESETS_GB.map((gb) => (
              <option key={gb} value={gb}>
                {gb} GB
              </option>
            ))}
          </select>
        </label>{' '}
        <input
          type="number"
          min={0.1}
          step={0.1}
          value={budgetGb}
          aria-label="Memory budget in GB"
          data-testid="fit-budget"
          onChange={(e) => setBudgetGb(Math.max(0, Number(e.target.value) || 0))}
        />{' '}
        GB, context{' '}
        <input
          type="number"
          min={1}
          max={1 << 24}
          value={context}
          aria-label="Context length in tokens"
          data-testid="fit-context"
          onChange={(e) => setContext(Math.max(1, Math.min(1 << 24, Math.floor(Number(e.target.value) || 1))))}
        />{' '}
        tokens, KV cache as{' '}
        <select value={kvType} onChange={(e) => setKvType(e.target.value as KvCacheType)} aria-label="KV cache type">
          {KV_CACHE_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </p>
      <p data-testid="fit-verdict">
        Weights {formatBytes(weightsBytes)} + KV cache {formatBytes(perToken * context)} ({formatBytes(perToken)} per token) ={' '}
        <strong>{formatBytes(fit.neededBytes)}</strong>:{' '}
        {fit.fits ? <span className="ok">fits in {budgetGb} GB.</span> : <span className="diag-warning">does not fit in {budgetGb} GB.</span>}{' '}
        {fit.largestContext > 0 ? `The longest context that fits is ${formatInteger(fit.largestContext)} tokens.` : 'Even the weights alone do not fit.'}
      </p>
    </div>
  );
}

type TemplateState = { state: 'rendering' } | { state: 'done'; result: ChatTemplateResult };

/** The chat template's source, and its rendering of the sample conversation, done in the worker. */
function ChatTemplate({ template, bos, eos }: { template: string; bos?: string; eos?: string }) {
  const [status, setStatus] = useState<TemplateState>({ state: 'rendering' });
  useEffect(() => {
    const controller = new AbortController();
    const client = getParseClient();
    // A template that loops would hold the worker forever: stop it after a while (the next request starts a fresh one).
    const timer = setTimeout(() => {
      client.terminate(`The chat template did not finish rendering within ${CHAT_TEMPLATE_TIMEOUT_MS / 1000} s; it was stopped.`);
    }, CHAT_TEMPLATE_TIMEOUT_MS);
    client
      .chatTemplate(template, { ...(bos !== undefined && { bos }), ...(eos !== undefined && { eos }) }, { signal: controller.signal })
      .then((result) => !controller.signal.aborted && setStatus({ state: 'done', result }))
      .catch((error: unknown) => !controller.signal.aborted && setStatus({ state: 'done', result: { ok: false, error: toLoupeError(error).message } }))
      .finally(() => clearTimeout(timer));
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [template, bos, eos]);
  return (
    <div data-testid="chat-template">
      <h3>Chat template</h3>
      <details>
        <summary>source ({formatInteger(template.length)} characters)</summary>
        <pre className="mono" data-testid="chat-template-source">
          {template}
        </pre>
      </details>
      <h4>Rendered for a sample conversation (system, user, assistant, user, generation prompt)</h4>
      {status.state === 'rendering' && <p className="muted">Rendering…</p>}
      {status.state === 'done' && status.result.ok && (
        <pre className="mono" data-testid="chat-template-rendered">
          {status.result.text}
        </pre>
      )}
      {status.state === 'done' && !status.result.ok && (
        <p className="diag diag-warning" data-testid="chat-template-error" role="alert">
          {status.result.error}
        </p>
      )}
    </div>
  );
}

/** Every metadata key with its type; long arrays as their count, first items and bytes. */
function GgufMetadataTable({ metadata }: { metadata: GgufFileFacts['metadata'] }) {
  return (
    <details>
      <summary>Metadata ({formatInteger(metadata.length)} keys)</summary>
      <table className="grid" data-testid="gguf-metadata">
        <thead>
          <tr>
            <th>key</th>
            <th>type</th>
            <th>value</th>
            <th className="num">bytes</th>
          </tr>
        </thead>
        <tbody>
          {metadata.map((entry) => (
            <tr key={entry.key} data-testid="gguf-metadata-row" data-key={entry.key} data-type={entry.type}>
              <td className="mono">{entry.key}</td>
              <td className="mono">{entry.type}</td>
              <td className="mono">
                {entry.count !== undefined
                  ? `${formatInteger(entry.count)} items: ${(entry.first ?? []).map((v) => JSON.stringify(v)).join(', ')}${entry.truncated ? ', …' : ''}`
                  : String(entry.value)}
              </td>
              <td className="num">{formatBytes(entry.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Row({ label, value, testId }: { label: string; value: string | number | undefined; testId?: string }) {
  if (value === undefined || value === '') return null;
  return (
    <div>
      <dt>{label}</dt>
      <dd className="mono" data-testid={testId}>
        {typeof value === 'number' ? formatInteger(value) : value}
      </dd>
    </div>
  );
}

function bits(value: number): string {
  return Number.isNaN(value) ? '–' : value.toFixed(2);
}

function perLayer(value: number | number[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return formatInteger(value);
  const distinct = [...new Set(value)];
  return distinct.length === 1 ? formatInteger(distinct[0]!) : `per layer: ${value.slice(0, 8).join(', ')}${value.length > 8 ? '…' : ''}`;
}

function rope(arch: NonNullable<GgufFileFacts['facts']['architecture']>): string | undefined {
  const parts: string[] = [];
  if (arch.ropeDimensionCount !== undefined) parts.push(`${arch.ropeDimensionCount} dims`);
  if (arch.ropeFreqBase !== undefined) parts.push(`base ${arch.ropeFreqBase}`);
  if (arch.ropeScalingType !== undefined)
    parts.push(`scaling ${arch.ropeScalingType}${arch.ropeScalingFactor !== undefined ? ` ×${arch.ropeScalingFactor}` : ''}`);
  if (arch.ropeScalingOriginalContextLength !== undefined) parts.push(`from ${arch.ropeScalingOriginalContextLength}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function describeRef(ref: GgufSourceRef): string {
  const head = [ref.organization ?? ref.author, ref.name, ref.version].filter(Boolean).join(' ');
  return [head, ref.url ?? ref.repoUrl, ref.doi && `doi:${ref.doi}`].filter(Boolean).join(' · ') || '–';
}
