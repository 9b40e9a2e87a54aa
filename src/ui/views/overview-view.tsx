import { useMemo } from 'react';
import type { ModelDocument } from '../../model/document';
import { ConfigPanel } from './config-panel';
import { GgufPanel } from './gguf-panel';
import { MemoryPanel } from './memory-panel';
import { OnnxPanel } from './onnx-panel';
import { PicklePanel } from './pickle-panel';
import { TokenizerPanel } from './tokenizer-panel';
import type { FileInput } from '../../workers/parse-protocol';
import { formatBytes, formatCount, formatInteger, formatShape } from '../../model/units';
import { DiagnosticItem } from './diagnostic-item';

/** The first screen for a model: what it is, how big, what it is made of, and what went wrong. */
export function OverviewView({ document, files }: { document: ModelDocument; files: FileInput[] }) {
  const { parameters, tensors, warnings, config, card, metadata, source } = document;
  const largest = useMemo(() => [...tensors].sort((a, b) => b.elements - a.elements).slice(0, 10), [tensors]);
  const dtypes = Object.entries(parameters.byDtype).sort((a, b) => b[1] - a[1]);
  const totalBytes = Object.values(parameters.bytesByDtype).reduce((a, b) => a + b, 0);
  const metadataEntries = Object.entries(metadata);
  // A GGUF header's architecture feeds the same estimates as a config.json.
  const memoryFacts = config?.facts ?? document.files.flatMap((f) => (f.format === 'gguf' && f.facts.configFacts ? [f.facts.configFacts] : []))[0];

  return (
    <div className="overview">
      {warnings.length > 0 && (
        <section className="panel warnings" aria-label="Warnings">
          <h2>Warnings</h2>
          <ul>
            {warnings.map((w, i) => (
              <DiagnosticItem key={i} diagnostic={w} testId="warning" />
            ))}
          </ul>
        </section>
      )}

      <section className="facts">
        <Fact label="Parameters">
          <span data-testid="param-count" data-value={parameters.total} title={`${formatInteger(parameters.total)} parameters`}>
            {formatCount(parameters.total)}
          </span>
          <small>{formatInteger(parameters.total)}</small>
        </Fact>
        <Fact label="Tensors">
          <span data-testid="tensor-count" data-value={tensors.length}>
            {formatInteger(tensors.length)}
          </span>
        </Fact>
        <Fact label="Weights">
          <span>{formatBytes(totalBytes)}</span>
        </Fact>
        <Fact label="Formats">
          <span data-testid="formats">{document.formats.join(', ')}</span>
        </Fact>
        {config && (
          <Fact label="Architecture">
            <span data-testid="architecture">{config.architectures.join(', ') || config.modelType || 'unknown'}</span>
            {config.modelType && <small>model_type: {config.modelType}</small>}
          </Fact>
        )}
      </section>

      <div className="columns">
        {dtypes.length > 0 && (
          <section className="panel">
            <h2>By dtype</h2>
            <table className="grid">
              <thead>
                <tr>
                  <th>dtype</th>
                  <th className="num">parameters</th>
                  <th className="num">bytes</th>
                </tr>
              </thead>
              <tbody>
                {dtypes.map(([dtype, count]) => (
                  <tr key={dtype} data-testid="dtype-row" data-dtype={dtype}>
                    <td>{dtype}</td>
                    <td className="num">{formatInteger(count)}</td>
                    <td className="num">{formatBytes(parameters.bytesByDtype[dtype as keyof typeof parameters.bytesByDtype] ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}

        <section className="panel">
          <h2>Files</h2>
          <table className="grid">
            <thead>
              <tr>
                <th>path</th>
                <th>format</th>
                <th className="num">size</th>
              </tr>
            </thead>
            <tbody>
              {source.files.map((f) => (
                <tr key={f.path} data-testid="file-row">
                  <td className="mono">{f.path}</td>
                  <td>{f.format ?? <span className="muted">not opened</span>}</td>
                  <td className="num">{formatBytes(f.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>

      <PicklePanel document={document} files={files} />
      <OnnxPanel document={document} />
      <GgufPanel document={document} />
      {document.tokenizer && <TokenizerPanel tokenizer={document.tokenizer} />}

      <div className="columns">
        {config && <ConfigPanel config={config} parameters={parameters} hasWeights={tensors.length > 0} />}
        {(tensors.length > 0 || config?.estimate?.estimate) && (
          <MemoryPanel parameters={tensors.length > 0 ? parameters.total : (config?.estimate?.estimate?.total ?? 0)} facts={memoryFacts} />
        )}
      </div>

      {largest.length > 0 && (
        <section className="panel">
          <h2>Largest tensors</h2>
          <table className="grid">
            <thead>
              <tr>
                <th>name</th>
                <th>dtype</th>
                <th>shape</th>
                <th className="num">elements</th>
              </tr>
            </thead>
            <tbody>
              {largest.map((t) => (
                <tr key={`${t.file}:${t.name}`}>
                  <td className="mono">{t.name}</td>
                  <td>{t.dtype}</td>
                  <td className="mono">{formatShape(t.shape)}</td>
                  <td className="num">{formatInteger(t.elements)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {metadataEntries.length > 0 && (
        <section className="panel">
          <h2>Metadata</h2>
          <dl className="kv">
            {metadataEntries.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd className="mono">{v}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}

      {card && (
        <section className="panel">
          <h2>Model card</h2>
          <p>
            {card.path}: {card.frontMatter !== undefined ? 'with' : 'without'} metadata, {formatInteger(card.body.length)} characters. See the Card tab.
          </p>
        </section>
      )}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="fact">
      <div className="fact-label">{label}</div>
      <div className="fact-value">{children}</div>
    </div>
  );
}
