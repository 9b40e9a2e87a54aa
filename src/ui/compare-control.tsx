import { useState, type FormEvent } from 'react';
import type { FileInput } from '../workers/parse-protocol';
import { filesFromInput } from './collect-dropped-files';

interface CompareControlProps {
  /** Whether a second model is given. */
  active: boolean;
  /** `?compare=` as it is now. */
  current: string | null;
  onFiles: (files: FileInput[]) => void;
  onRepo: (value: string) => void;
  onStop: () => void;
}

/** "Compare with…" in the header: a second model from files, a folder, a Hub repo or another revision. */
export function CompareControl({ active, current, onFiles, onRepo, onStop }: CompareControlProps) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(current ?? '');
  const onChange = (event: React.ChangeEvent<HTMLInputElement>) => {
    const files = filesFromInput(event.target.files);
    event.target.value = '';
    if (files.length === 0) return;
    setOpen(false);
    onFiles(files);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setOpen(false);
    onRepo(text);
  };
  return (
    <div className="compare-control">
      <button type="button" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="compare-open">
        Compare with…
      </button>
      {/* Always in the page, so that a test can give files without opening the menu. */}
      <input type="file" multiple data-testid="compare-input" onChange={onChange} hidden aria-label="Files of the model to compare with" />
      <input type="file" data-testid="compare-folder-input" onChange={onChange} hidden aria-label="Folder of the model to compare with" {...{ webkitdirectory: '' }} />
      {open && (
        <div className="compare-menu panel" role="dialog" aria-label="Compare with another model">
          <p className="muted">Nothing is uploaded; a Hub repo is read by its headers.</p>
          <div className="open-buttons">
            <button type="button" onClick={() => document.querySelector<HTMLInputElement>('[data-testid="compare-input"]')?.click()}>Files…</button>
            <button type="button" onClick={() => document.querySelector<HTMLInputElement>('[data-testid="compare-folder-input"]')?.click()}>Folder…</button>
          </div>
          <form onSubmit={submit}>
            <input type="text" value={text} onChange={(e) => setText(e.target.value)} placeholder="ORG/NAME, ORG/NAME@REV or @REV" aria-label="Hub repo or revision to compare with"
              data-testid="compare-repo-input" />
            <button type="submit">Compare</button>
          </form>
          {active && (
            <button type="button" className="linkish" onClick={() => { setOpen(false); onStop(); }} data-testid="compare-stop">
              Stop comparing
            </button>
          )}
        </div>
      )}
    </div>
  );
}
