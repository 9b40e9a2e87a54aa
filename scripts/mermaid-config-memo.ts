import type { Plugin } from 'vite';

/**
 * mermaid 12.3's `getConfig()` deep-copies its whole configuration (the defaults of every diagram
 * type and the theme's variables, one `Object.defineProperty` per key) on every call, and a
 * flowchart render calls it for each node and each edge. Profiled on the 100-node MLP's first
 * view, the copies were a third of the render. Mermaid replaces its configuration object whenever
 * the configuration changes (initialize, directives, each render's reset), so one copy per
 * configuration object gives callers the same values; this build-time patch makes that change.
 * Measured with `npm run bench -- "wall clock"` (README: the 100-node MLP, 929 → 767 ms).
 * The copy is shared within one configuration, so a caller that writes into it is seen by later
 * callers of the same render: mermaid's own writes are layout spacing (ER) and htmlLabels = false
 * (kanban), never a security setting, and the next configuration starts from a fresh copy.
 */
export const GET_CONFIG = `var getConfig = /* @__PURE__ */ __name(() => {
  return assignWithDepth_default({}, currentConfig);
}, "getConfig");`;

export const MEMOIZED_GET_CONFIG = `var copiedConfigOf, copiedConfig;
var getConfig = /* @__PURE__ */ __name(() => {
  if (copiedConfigOf !== currentConfig) {
    copiedConfigOf = currentConfig;
    copiedConfig = assignWithDepth_default({}, currentConfig);
  }
  return copiedConfig;
}, "getConfig");`;

/** The patched source of one of mermaid's modules, or undefined when it does not define getConfig as 12.3 does. */
export function memoizeGetConfig(code: string): string | undefined {
  return code.includes(GET_CONFIG) ? code.replace(GET_CONFIG, MEMOIZED_GET_CONFIG) : undefined;
}

/** The Vite plugin: patches mermaid's config module in the build, and warns when a mermaid upgrade left nothing to patch. */
export function mermaidConfigMemo(): Plugin {
  let patched = false;
  return {
    name: 'loupe-mermaid-config-memo',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]mermaid[\\/]dist[\\/]/.test(id)) return undefined;
      const out = memoizeGetConfig(code);
      if (out === undefined) return undefined;
      patched = true;
      return { code: out, map: null };
    },
    buildEnd() {
      if (!patched) this.warn('mermaid getConfig was not memoized: the installed mermaid no longer defines it as 12.3 did (scripts/mermaid-config-memo.ts).');
    },
  };
}
