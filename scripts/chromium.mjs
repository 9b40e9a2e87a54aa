// Chromium as the e2e tests and the bench launch it: the system build where there is one (Playwright cannot
// download browsers on every machine), with the flags the project's brief gives for this machine.
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CHROME_PATH, else Debian's chromium; undefined lets Playwright use its own browser. */
export const CHROMIUM_PATH = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
