import { useState } from 'react';

/** The Hub endpoint (for mirrors and private hubs) and the token for gated and private repos. */
export function HubSettings({
  endpoint,
  onEndpoint,
  token,
  remembered,
  onToken,
  onClose,
  zenodoEndpoint,
  onZenodoEndpoint,
}: {
  endpoint: string;
  onEndpoint: (endpoint: string) => void;
  token: string;
  remembered: boolean;
  onToken: (token: string, remember: boolean) => void;
  onClose: () => void;
  zenodoEndpoint?: string;
  onZenodoEndpoint?: (endpoint: string) => void;
}) {
  const [endpointText, setEndpointText] = useState(endpoint);
  const [tokenText, setTokenText] = useState(token);
  const [remember, setRemember] = useState(remembered);
  const [zenodoText, setZenodoText] = useState(zenodoEndpoint ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = (event: React.FormEvent) => {
    event.preventDefault();
    try {
      onEndpoint(endpointText);
      if (onZenodoEndpoint && zenodoText.trim() !== '') onZenodoEndpoint(zenodoText);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    onToken(tokenText.trim(), remember);
    onClose();
  };
  const host = (() => {
    try {
      return new URL(endpointText).host;
    } catch {
      return 'the Hub';
    }
  })();
  return (
    <form className="settings panel" onSubmit={save} data-testid="hub-settings">
      <label>
        Hub endpoint
        <input type="url" value={endpointText} onChange={(e) => setEndpointText(e.target.value)} data-testid="endpoint-input" />
      </label>
      {onZenodoEndpoint && (
        <label>
          Zenodo endpoint
          <input type="url" value={zenodoText} onChange={(e) => setZenodoText(e.target.value)} data-testid="zenodo-endpoint-input" />
        </label>
      )}
      <label>
        Access token (for gated and private repos)
        <input
          type="password"
          value={tokenText}
          onChange={(e) => setTokenText(e.target.value)}
          autoComplete="off"
          placeholder="hf_…"
          data-testid="token-input"
        />
      </label>
      <label className="inline">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="remember-token" /> Remember on this device
      </label>
      <p className="muted">
        The token is sent only to {host}, never to the download CDN or anywhere else. Unless you tick “remember”, it lives in this tab’s memory only.
      </p>
      {error && <p className="inline-error">{error}</p>}
      <div className="row">
        <button type="submit" className="primary" data-testid="settings-save">
          Save
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
