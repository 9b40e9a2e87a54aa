/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** True only in a build made with LOUPE_TEST_HOOKS=1: the end-to-end test seams are compiled in (vite.config.ts). */
  readonly LOUPE_TEST_HOOKS?: boolean;
}
