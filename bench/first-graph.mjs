// "graph first view, wall clock": the time a user waits for a graph, measured the way issue 17
// measured Netron. A fresh browser context per run; the app is loaded and idle (as it is when a user
// picks a file); the clock starts at the file input's `change` event and stops two animation frames
// after the first graph box is in the page, so the boxes have been painted. The clock is in the page
// (performance.now), not in Playwright, so no round trip to the driver is counted.

/** Netron's figures from issue 17, measured the same way on this machine kind (ms). */
export const NETRON_FIGURES = {
  mlp100: 198, // 177–219 ms: the middle of the range
  bert: 308,
  llama: 922,
  mlp1000: 985,
  mlp10000: 8002,
  chain20001: 13004,
};

/**
 * Installs the clock in a loaded page: resolves `window.__loupeWallClock` with the milliseconds from
 * the next `change` event anywhere in the page to two frames after an element matching `selector`
 * appears. The Netron peer driver (bench/peer-netron.mjs) keeps the same clock, stopped on Netron's
 * boxes once its loading screen is gone.
 */
export async function armWallClock(page, selector) {
  await page.evaluate((boxSelector) => {
    window.__loupeWallClock = new Promise((resolve) => {
      let start;
      window.addEventListener('change', () => (start ??= performance.now()), { capture: true });
      const painted = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
      const observer = new MutationObserver(() => {
        if (start === undefined || !document.querySelector(boxSelector)) return;
        observer.disconnect();
        painted();
      });
      observer.observe(document.documentElement, { childList: true, subtree: true });
    });
  }, selector);
}

/**
 * Waits until the page has nothing left to load or run, as when a user gets to picking a file:
 * the network idle, then ten idle periods in a row with the whole of their 50 ms to spare.
 */
export async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        let quiet = 0;
        const deadline = performance.now() + 10_000;
        const tick = (idle) => {
          quiet = idle.timeRemaining() >= 45 ? quiet + 1 : 0;
          if (quiet >= 10 || performance.now() > deadline) resolve(undefined);
          else requestIdleCallback(tick);
        };
        requestIdleCallback(tick);
      }),
  );
}

/** Loupe: open the Graph view, let the app settle, then give it the file. */
export async function loupeFirstGraph(page, path) {
  await page.goto(`${new URL(page.url()).origin}/?view=graph`);
  await settle(page);
  await armWallClock(page, '[data-testid="graph"] svg g.node');
  await page.setInputFiles('[data-testid="file-input"]', path);
  const ms = await page.evaluate(() => window.__loupeWallClock);
  const rendered = Number(await page.getAttribute('[data-testid="graph"]', 'data-rendered-count'));
  return { ms, rendered };
}
