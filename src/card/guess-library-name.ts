/** The last path segment, lower-cased: what file-name rules compare. */
export function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(slash + 1).toLowerCase();
}

/**
 * What the files need for a card's `library_name` to make sense, for the libraries whose
 * files Loupe can recognize. `test` gets lower-cased base names.
 */
export const LIBRARY_FILE_RULES: Record<string, { needs: string; test: (names: readonly string[]) => boolean }> = {
  transformers: { needs: 'a config.json', test: (names) => names.includes('config.json') },
  'sentence-transformers': {
    needs: 'a modules.json or config_sentence_transformers.json',
    test: (names) => names.includes('modules.json') || names.includes('config_sentence_transformers.json'),
  },
  diffusers: { needs: 'a model_index.json or config.json', test: (names) => names.includes('model_index.json') || names.includes('config.json') },
  peft: { needs: 'an adapter_config.json', test: (names) => names.includes('adapter_config.json') },
  'transformers.js': { needs: '.onnx files', test: (names) => names.some((n) => n.endsWith('.onnx')) },
  onnx: { needs: '.onnx files', test: (names) => names.some((n) => n.endsWith('.onnx')) },
  gguf: { needs: '.gguf files', test: (names) => names.some((n) => n.endsWith('.gguf')) },
  'llama-cpp-python': { needs: '.gguf files', test: (names) => names.some((n) => n.endsWith('.gguf')) },
  timm: { needs: 'a config.json', test: (names) => names.includes('config.json') },
  keras: {
    needs: 'a .keras, .h5 or saved_model.pb file',
    test: (names) => names.some((n) => n.endsWith('.keras') || n.endsWith('.h5') || n === 'saved_model.pb'),
  },
};

/**
 * The library the files suggest, for a draft card or a hint: `undefined` when nothing
 * points to one. Adapters and sentence-transformers win over plain transformers files.
 * File formats (ONNX, GGUF) are not guessed: the Hub detects those from the files.
 */
export function guessLibraryName(paths: readonly string[], config?: { architectures: string[]; modelType?: string }): string | undefined {
  const names = paths.map(baseName);
  if (names.includes('adapter_config.json')) return 'peft';
  if (names.includes('modules.json') || names.includes('config_sentence_transformers.json')) return 'sentence-transformers';
  if (names.includes('model_index.json')) return 'diffusers';
  if (config && (config.architectures.length > 0 || config.modelType)) return 'transformers';
  return undefined;
}
