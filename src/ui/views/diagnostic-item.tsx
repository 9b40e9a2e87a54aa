import type { Diagnostic } from '../../model/diagnostic';

const BADGE: Record<Diagnostic['severity'], string> = { error: 'unsafe', warning: 'suspicious', info: 'safe' };

/** One diagnostic (a document warning or a card lint), shown the same way wherever it appears. */
export function DiagnosticItem({ diagnostic: d, testId }: { diagnostic: Diagnostic; testId: string }) {
  // Messages usually name their file already; say it only when they do not.
  const file = d.file && !d.message.includes(d.file) ? d.file : undefined;
  const position = d.line !== undefined ? `line ${d.line}${d.column !== undefined ? `:${d.column}` : ''}` : undefined;
  const where = [file, position].filter(Boolean).join(', ');
  return (
    <li data-testid={testId} data-severity={d.severity} data-code={d.code} data-field={d.field} data-file={d.file} className={`diag diag-${d.severity}`}>
      <span className={`badge badge-${BADGE[d.severity]}`}>{d.severity}</span> {d.field && <code>{d.field}</code>} {d.message}
      {where && <span className="muted"> ({where})</span>}
    </li>
  );
}
