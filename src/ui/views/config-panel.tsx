import type { ModelConfig, ParameterCount } from '../../model/document';
import { formatCount, formatInteger } from '../../model/units';

const SIZE_FIELDS: [keyof NonNullable<ModelConfig['facts']>, string][] = [
  ['numLayers', 'layers'],
  ['hiddenSize', 'hidden size'],
  ['numHeads', 'attention heads'],
  ['numKvHeads', 'key-value heads'],
  ['headDim', 'head dim'],
  ['intermediateSize', 'intermediate size'],
  ['vocabSize', 'vocabulary'],
  ['maxPositions', 'max positions'],
  ['dtype', 'dtype'],
  ['tieWordEmbeddings', 'tied embeddings'],
];

/** config.json, the model's "code": what it declares, and what it implies next to what the weights hold. */
export function ConfigPanel({ config, parameters, hasWeights }: { config: ModelConfig; parameters: ParameterCount; hasWeights: boolean }) {
  const { facts, estimate } = config;
  const est = estimate?.estimate;
  return (
    <section className="panel" data-testid="config-panel">
      <h2>Config ({config.path})</h2>
      <dl className="kv">
        <div>
          <dt>architectures</dt>
          <dd className="mono">{config.architectures.join(', ') || '–'}</dd>
        </div>
        <div>
          <dt>model_type</dt>
          <dd className="mono">{config.modelType ?? '–'}</dd>
        </div>
        {facts?.experts && (
          <div>
            <dt>experts</dt>
            <dd>
              {facts.experts.total}, {facts.experts.perToken} per token
            </dd>
          </div>
        )}
        {facts &&
          SIZE_FIELDS.filter(([key]) => facts[key] !== undefined).map(([key, label]) => (
            <div key={key}>
              <dt>{label}</dt>
              <dd className="mono">{typeof facts[key] === 'number' ? formatInteger(facts[key] as number) : String(facts[key])}</dd>
            </div>
          ))}
        {facts?.fromTextConfig && (
          <div>
            <dt>note</dt>
            <dd>sizes read from text_config (a multimodal config)</dd>
          </div>
        )}
      </dl>
      <h3>Parameters from the config</h3>
      {est ? (
        <div data-testid="config-estimate" data-value={est.total} data-active={est.active}>
          <p>
            <strong>{formatInteger(est.total)}</strong> ({formatCount(est.total)})
            {est.active !== undefined && (
              <>
                , of which <strong>{formatInteger(est.active)}</strong> ({formatCount(est.active)}) active per token
              </>
            )}
            {hasWeights && (
              <>
                {' '}
                vs <strong>{formatInteger(parameters.total)}</strong> in the weights:{' '}
                {est.total === parameters.total ? (
                  <span className="ok">they agree.</span>
                ) : (
                  <span className="diag-warning">they differ by {formatInteger(parameters.total - est.total)}.</span>
                )}
              </>
            )}
          </p>
          {(config.countDifference?.length ?? 0) > 0 && (
            <ul data-testid="count-difference">
              {config.countDifference!.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          )}
          {est.notes.length > 0 && (
            <ul className="muted">
              {est.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <p className="muted" data-testid="config-estimate-none">
          {estimate?.reason ?? 'No estimate.'}
        </p>
      )}
    </section>
  );
}
