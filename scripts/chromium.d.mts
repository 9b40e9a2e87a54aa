/** The flags every Chromium the tests and the bench start gets (scripts/chromium.mjs). */
export declare const CHROMIUM_ARGS: string[];
/** CHROME_PATH, else Debian's chromium; undefined lets Playwright use its own browser. */
export declare const CHROMIUM_PATH: string | undefined;
