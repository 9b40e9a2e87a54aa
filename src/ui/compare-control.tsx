import { useState, type FormEvent } from 'react';
import type { FileInput } from '../workers/parse-protocol';
import { filesFromInput } from './collect-dropped-files';
import { FilePickerButton } from './file-picker-button';

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
  const choose = (files: File[]) => {
    setOpen(false);
    onFiles(filesFromInput(files));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setOpen(false);
    onRepo(text);
  };
  return (
    <div className="compare-control">
      <button type="button" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls="compare-menu" data-testid="compare-open">
        Compare with…
      </button>
      {/* Hidden rather than unmounted when closed, so that the file inputs (the tests' hooks) stay in the page. */}
      <div className="compare-menu panel" id="compare-menu" role="group" aria-label="Compare with another model" hidden={!open}>
        <p className="muted">Nothing is uploaded; a Hub repo is read by its headers.</p>
        <div className="open-buttons">
          <FilePickerButton multiple testId="compare-input" onFiles={choose}>
            Files…
          </FilePickerButton>
          <FilePickerButton directory testId="compare-folder-input" onFiles={choose}>
            Folder…
          </FilePickerButton>
        </div>
        <form onSubmit={submit}>
          <input
            type="text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="ORG/NAME, ORG/NAME@REV or @REV"
            aria-label="Hub repo or revision to compare with"
            data-testid="compare-repo-input"
          />
          <button type="submit">Compare</button>
        </form>
        {active && (
          <button
            type="button"
            className="linkish"
            onClick={() => {
              setOpen(false);
              onStop();
            }}
            data-testid="compare-stop"
          >
            Stop comparing
          </button>
        )}
      </div>
    </div>
  );
}
