import { useState } from 'react';
import { estimateMemory } from '../../formats/config/estimate-memory';
import type { ConfigFacts } from '../../model/config-facts';
import { formatBytes, formatInteger } from '../../model/units';

/** What the model costs to run: weights at common dtypes, and the KV cache at a chosen context length. */
export function MemoryPanel({ parameters, facts }: { parameters: number; facts?: ConfigFacts }) {
  const [context, setContext] = useState(() => Math.min(facts?.maxPositions ?? 4096, 1 << 20));
  const memory = estimateMemory(parameters, facts, context);
  return (
    <section className="panel" data-testid="memory-panel">
      <h2>Memory</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>weights as</th>
            {memory.weights.map((w) => (
              <th key={w.id} className="num">
                {w.id}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <td className="muted">bytes</td>
            {memory.weights.map((w) => (
              <td key={w.id} className="num" data-testid={`memory-${w.id}`} data-value={w.bytes} title={`${formatInteger(w.bytes)} bytes`}>
                {formatBytes(w.bytes)}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {memory.kvCache ? (
        <p data-testid="kv-cache" data-per-token={memory.kvCache.perToken}>
          KV cache: <strong>{formatBytes(memory.kvCache.perToken)}</strong> per token ({memory.kvCache.dtype}), so{' '}
          <strong data-testid="kv-cache-total" data-value={memory.kvCache.total}>
            {formatBytes(memory.kvCache.total)}
          </strong>{' '}
          for a context of{' '}
          <input
            type="number"
            min={1}
            max={1 << 24}
            value={context}
            aria-label="Context length in tokens"
            data-testid="context-length"
            onChange={(e) => setContext(Math.max(1, Math.min(1 << 24, Math.floor(Number(e.target.value) || 1))))}
          />{' '}
          tokens (one sequence).
        </p>
      ) : (
        <p className="muted">KV cache: needs a config.json of a decoder Loupe knows.</p>
      )}
    </section>
  );
}
