import { Component, useState, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** The view's name, for the message. */
  view: string;
  children: ReactNode;
}
interface State {
  error?: Error;
  componentStack?: string;
}

/**
 * Catches a render-time exception in one view, so that a hostile file that trips a bug blanks that
 * view only: the error is shown with its details to copy, and the tabs and other views keep working.
 * Keyed by view and document where it is used, so that switching away and back tries again.
 */
export class ViewErrorBoundary extends Component<Props, State> {
  override state: State = {};

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(_error: unknown, info: ErrorInfo): void {
    this.setState({ componentStack: info.componentStack ?? undefined });
  }

  override render(): ReactNode {
    const { error, componentStack } = this.state;
    if (!error) return this.props.children;
    const details = [
      `Loupe: the ${this.props.view} view failed while rendering.`,
      `${error.name}: ${error.message}`,
      error.stack ?? '',
      componentStack ? `Components:${componentStack}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    return (
      <ViewErrorPanel
        view={this.props.view}
        message={error.message}
        details={details}
        onRetry={() => this.setState({ error: undefined, componentStack: undefined })}
      />
    );
  }
}

function ViewErrorPanel({ view, message, details, onRetry }: { view: string; message: string; details: string; onRetry: () => void }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    navigator.clipboard.writeText(details).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  };
  return (
    <div className="error-panel" role="alert" data-testid="view-error" data-view={view}>
      <strong>The {view} view stopped with an error</strong>
      <p data-testid="view-error-message">{message}</p>
      <p>The other views still work. Copy the details to report the problem.</p>
      <div className="row">
        <button type="button" onClick={copy} data-testid="copy-error-details">
          Copy details
        </button>
        <button type="button" onClick={onRetry} data-testid="retry-view">
          Try again
        </button>
        <span role="status">{copied === 'copied' ? 'Copied.' : copied === 'failed' ? 'Could not copy; select the text below instead.' : ''}</span>
      </div>
      <details>
        <summary>Details</summary>
        <pre className="error-details" tabIndex={0}>
          {details}
        </pre>
      </details>
    </div>
  );
}
