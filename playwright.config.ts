import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';

/** Specs that launch a browser of their own (hostile, WebGPU) start the same one with the same flags. */
export { CHROMIUM_ARGS, CHROMIUM_PATH };

// End-to-end tests run in a real Chromium against the built app (`vite preview`), so they
// exercise what users get: the production bundle, workers and cross-origin isolation.
// The system Chromium is used where there is one (Playwright cannot download browsers offline);
// elsewhere Playwright's own browser is used (scripts/chromium.mjs).

// Ports and the build folder can be moved (LOUPE_E2E_PORT, LOUPE_E2E_DIST) so that two runs can share a machine.
const PORT = Number(process.env.LOUPE_E2E_PORT ?? 4173);
/** The Hub test server's port (LOUPE_E2E_HUB_PORT); its CDN origin listens on the next one. The build's CSP must allow both (npm run test:e2e builds for 5180 and 5181). */
export const HUB_PORT = Number(process.env.LOUPE_E2E_HUB_PORT ?? 5180);
/** The Zenodo test server's port (LOUPE_E2E_ZENODO_PORT); the build's CSP must allow it (npm run test:e2e builds for 5182). */
export const ZENODO_PORT = Number(process.env.LOUPE_E2E_ZENODO_PORT ?? 5182);
const DIST = process.env.LOUPE_E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  // No retries: a flaky test must fail the run, not pass on its second try.
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
      },
    },
  ],
  webServer: [
    {
      command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${DIST}`,
      url: `http://127.0.0.1:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // The local Hub (and its CDN origin) that the Hub tests open repos from: e2e/hub-server.
      command: `node e2e/hub-server/cli.mjs --host 127.0.0.1 --port ${HUB_PORT} --cdn-port ${HUB_PORT + 1}`,
      url: `http://127.0.0.1:${HUB_PORT}/__control/stats`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      // The local Zenodo that the Zenodo tests open records from: e2e/zenodo-server.
      command: `node e2e/zenodo-server/cli.mjs --host 127.0.0.1 --port ${ZENODO_PORT}`,
      url: `http://127.0.0.1:${ZENODO_PORT}/__control/stats`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
  ],
});
