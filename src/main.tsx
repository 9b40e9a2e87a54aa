import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/app';
import { getParseClient } from './ui/parse-client-instance';
import { renderFaults } from './ui/render-faults';
import './ui/styles.css';

const queryClient = new QueryClient();

// Test hooks, only in a LOUPE_TEST_HOOKS=1 build and with ?test-hooks=1: lets the end-to-end suite
// kill the parse worker mid-work, as an out-of-memory crash would, and make one view throw while
// rendering, to check that the page recovers.
if (import.meta.env.LOUPE_TEST_HOOKS && new URLSearchParams(window.location.search).has('test-hooks')) {
  (window as unknown as { __loupe: unknown }).__loupe = {
    killParseWorker: () => getParseClient().terminate('The parse worker stopped unexpectedly (killed by a test). Try again; a fresh worker will start.'),
    failView: (view: string) => renderFaults.fail(view),
    healView: (view: string) => renderFaults.clear(view),
  };
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
