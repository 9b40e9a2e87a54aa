import { useState } from 'react';
import { parseRepoInput } from '../hub/parse-repo-input';
import { parseZenodoInput } from '../zenodo/parse-zenodo-input';
import type { HubParams } from './use-hub-params';

/**
 * Paste a Hub URL or `org/name[@rev]`, or a Zenodo record link or DOI. Dataset and Space links
 * get a polite "not a model repo".
 */
export function RepoInput({
  endpoint,
  current,
  onOpen,
  zenodoEndpoint,
  onOpenZenodo,
}: {
  endpoint: string;
  current: HubParams | null;
  onOpen: (params: HubParams) => void;
  zenodoEndpoint?: string;
  onOpenZenodo?: (record: string) => void;
}) {
  const [text, setText] = useState(current ? current.repo : '');
  const [message, setMessage] = useState<string | null>(null);
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const zenodo = onOpenZenodo ? parseZenodoInput(text, { endpoint: zenodoEndpoint }) : undefined;
    if (zenodo?.kind === 'invalid') {
      setMessage(zenodo.message);
      return;
    }
    if (zenodo?.kind === 'record') {
      setMessage(null);
      onOpenZenodo?.(text.trim());
      return;
    }
    const parsed = parseRepoInput(text, { endpoint });
    if (parsed.kind !== 'model') {
      setMessage(parsed.message);
      return;
    }
    setMessage(null);
    onOpen({ repo: parsed.repo, revision: parsed.revision, file: parsed.file });
  };
  return (
    <form className="repo-form" onSubmit={submit} role="search">
      <input
        type="text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Hugging Face repo, or Zenodo record or DOI"
        aria-label="Hugging Face Hub repo"
        data-testid="repo-input"
        spellCheck={false}
      />
      <button type="submit" data-testid="repo-open">
        Open
      </button>
      {message && (
        <div className="repo-message" role="alert" data-testid="repo-error">
          {message}
        </div>
      )}
    </form>
  );
}
