import { useRef, type ReactNode } from 'react';

export interface FilePickerButtonProps {
  /** The button's text. */
  children: ReactNode;
  /** Called with the chosen files; never with none. */
  onFiles: (files: File[]) => void;
  /** The hidden input's test id (DESIGN.md section 4: `file-input`, `folder-input`, …). */
  testId: string;
  multiple?: boolean;
  /** Choose a folder (webkitdirectory) rather than files. */
  directory?: boolean;
  accept?: string;
  className?: string;
  /** The button's test id, for tests that drive it as a user would. */
  buttonTestId?: string;
}

/**
 * A real button that opens the file chooser, so that it is reached with Tab and pressed with Enter
 * or Space. The `<input type=file>` stays in the page, hidden, as the tests' hook and the chooser's
 * owner; a `<label>` around a hidden input is skipped by Tab.
 */
export function FilePickerButton({ children, onFiles, testId, multiple, directory, accept, className = 'button', buttonTestId }: FilePickerButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} data-testid={buttonTestId} onClick={() => input.current?.click()}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        tabIndex={-1}
        multiple={multiple}
        accept={accept}
        data-testid={testId}
        {...(directory ? { webkitdirectory: '' } : {})}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = ''; // so that choosing the same file again still fires
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
