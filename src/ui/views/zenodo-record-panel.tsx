import DOMPurify from 'dompurify';
import { useMemo, useState } from 'react';
import { toLoupeError } from '../../model/errors';
import { verifyRecordFiles, type IntegrityResult } from '../../zenodo/verify-record-files';
import { FilePickerButton } from '../file-picker-button';
import { getParseClient } from '../parse-client-instance';
import type { ZenodoFileEntry } from '../../zenodo/open-zenodo-record';
import type { ZenodoRecord } from '../../zenodo/zenodo-record';
import { formatBytes } from '../../model/units';

/**
 * What a Zenodo record says about itself: title, creators (with ORCID links), version, date,
 * licence, DOI and concept DOI, and its description (HTML from the record: sanitized as a card is,
 * and again here; images are dropped, so that showing it fetches nothing).
 */
export function ZenodoRecordPanel({ record, descriptionHtml, files }: { record: ZenodoRecord; descriptionHtml?: string; files?: ZenodoFileEntry[] }) {
  const description = useMemo(
    () =>
      DOMPurify.sanitize(descriptionHtml ?? record.description, {
        ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
        FORBID_TAGS: ['style', 'script', 'iframe', 'object', 'embed', 'form', 'img', 'picture', 'video', 'audio', 'source', 'svg', 'math', 'link', 'meta'],
        FORBID_ATTR: ['style', 'srcset'],
      }),
    [descriptionHtml, record.description],
  );
  const [integrity, setIntegrity] = useState<IntegrityResult[] | null>(null);
  const [checking, setChecking] = useState<string | null>(null);
  const verify = async (chosen: File[]) => {
    const local = chosen.map((file) => ({ path: file.name, blob: file, size: file.size }));
    setChecking('Computing MD5…');
    try {
      setIntegrity(await verifyRecordFiles(record.files, local, (file) => getParseClient().md5(file)));
      setChecking(null);
    } catch (error) {
      setChecking(`The check failed: ${toLoupeError(error).message}`);
    }
  };
  return (
    <section className="panel" aria-label="Zenodo record" data-testid="zenodo-record" data-record-id={record.id}>
      <h2 data-testid="zenodo-title">{record.title}</h2>
      <ul className="zenodo-creators" aria-label="Creators">
        {record.creators.map((c, i) => (
          <li key={`${c.name}-${i}`} data-testid="zenodo-creator">
            {c.name}
            {c.affiliation && <span className="muted"> ({c.affiliation})</span>}
            {c.orcidUrl && (
              <>
                {' '}
                <a href={c.orcidUrl} target="_blank" rel="noopener noreferrer" data-testid="zenodo-orcid" aria-label={`ORCID of ${c.name}`}>
                  ORCID {c.orcid}
                </a>
              </>
            )}
          </li>
        ))}
      </ul>
      <dl className="kv">
        {record.version && (
          <div>
            <dt>Version</dt>
            <dd data-testid="zenodo-version">{record.version}</dd>
          </div>
        )}
        {record.publicationDate && (
          <div>
            <dt>Published</dt>
            <dd data-testid="zenodo-date">{record.publicationDate}</dd>
          </div>
        )}
        {record.license && (
          <div>
            <dt>Licence</dt>
            <dd data-testid="zenodo-license">{record.license}</dd>
          </div>
        )}
        {record.doi && record.doiUrl && (
          <div>
            <dt>DOI</dt>
            <dd>
              <a href={record.doiUrl} target="_blank" rel="noopener noreferrer" data-testid="zenodo-doi">
                {record.doi}
              </a>
            </dd>
          </div>
        )}
        {record.conceptDoi && record.conceptDoiUrl && (
          <div>
            <dt>All versions</dt>
            <dd>
              <a href={record.conceptDoiUrl} target="_blank" rel="noopener noreferrer" data-testid="zenodo-concept-doi">
                {record.conceptDoi}
              </a>
            </dd>
          </div>
        )}
        <div>
          <dt>Record</dt>
          <dd>
            <a href={record.htmlUrl} target="_blank" rel="noopener noreferrer">
              {record.htmlUrl}
            </a>
          </dd>
        </div>
      </dl>
      {description && <div className="markdown" data-testid="zenodo-description" dangerouslySetInnerHTML={{ __html: description }} />}
      <FilePickerButton multiple onFiles={(chosen) => void verify(chosen)} testId="zenodo-verify-input">
        Check local copies against the record (MD5)
      </FilePickerButton>
      {checking && (
        <p className="muted" role="status">
          {checking}
        </p>
      )}
      {integrity && (
        <ul className="zenodo-integrity" aria-label="Integrity">
          {integrity.map((r, i) => (
            <li key={`${r.path}-${i}`} data-testid="zenodo-integrity" data-path={r.path} data-status={r.status}>
              <span className="mono">{r.path}</span>: {INTEGRITY_TEXT[r.status]}
              {r.status === 'mismatch' && r.expected && (
                <span className="muted mono">
                  {' '}
                  (record {r.expected}
                  {r.actual ? `, file ${r.actual}` : ', another size'})
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {files && files.length > 0 && (
        <table className="files" aria-label="Record files">
          <tbody>
            {files.map((f) => (
              <tr key={f.key} data-testid="zenodo-file" data-opened={f.opened}>
                <td className="mono">{f.key}</td>
                <td className="num">{formatBytes(f.size)}</td>
                <td className="muted">{f.opened ? 'opened' : f.kind === 'other' ? '' : f.kind}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const INTEGRITY_TEXT: Record<IntegrityResult['status'], string> = {
  match: 'matches the record (MD5)',
  mismatch: 'does NOT match the record',
  'no-checksum': 'the record states no checksum for it',
  'not-in-record': 'the record has no file of that name',
};
