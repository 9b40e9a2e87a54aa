/** Types for repos.mjs: the Hub test server's repos and tokens. */

export const TEST_TOKENS: {
  /** Has accepted every gated repo's conditions and may read every private repo. */
  granted: string;
  /** A valid token without access to gated or private repos. */
  notGranted: string;
};

export const TEST_REPOS: {
  tiny: string;
  tinyLegacy: string;
  tinyGated: string;
  tinyPrivate: string;
  mixed: string;
  realFiles: string;
  pickleOnly: string;
  virtual70b: string;
  llama70bGated: string;
  virtual70bGguf: string;
  safetensorsAndGguf: string;
};

export const VIRTUAL_70B_GGUF: { parts: string[]; tensors: number; parameters: number };

export const TINY_PARAMETERS: number;
export const TINY_TENSORS: number;
export const VIRTUAL_70B_SHARDS: number;
export const VIRTUAL_70B_TENSORS: number;
export const VIRTUAL_70B_PARAMETERS: number;

export interface RepoFile {
  path: string;
  size: number;
  lfs: boolean;
  content?: Buffer;
  prefix?: Buffer;
  gitOid: string;
  lfsOid?: string;
}

export interface Repo {
  id: string;
  gated: false | 'auto' | 'manual';
  private: boolean;
  revisions: Record<string, string>;
  files: RepoFile[];
  parameters?: number;
}

export function buildRepos(): Map<string, Repo>;
export function safetensorsPrefix(tensors: [string, number[]][]): { prefix: Buffer; size: number };
