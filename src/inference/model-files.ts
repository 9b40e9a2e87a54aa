/**
 * Which of the dropped files is the model, and which hold its external data. ONNX keeps large
 * weights in other files, named by a `location` relative to the model file; ORT Web takes them as
 * `externalData: [{ path: location, data }]`.
 */

interface DocumentLike {
  formats: readonly string[];
  source: { files: readonly { path: string; format?: string }[] };
  tensors: readonly { file: string }[];
}

/** Sidecars that are never external data. */
const NOT_DATA =
  /\.(onnx|ort|json|md|txt|npy|npz|pb|png|jpe?g|webp|gif|bmp|svg|safetensors|py|ya?ml|model|tiktoken|csv|html?|gitattributes|gitignore|wav|mp3|flac)$/i;

/** The ONNX models among the files: by extension, or by what the parser recognized. */
export function onnxModelPaths(files: readonly { path: string }[], document?: DocumentLike): string[] {
  const recognized = new Set(document?.source.files.filter((f) => f.format === 'onnx').map((f) => f.path) ?? []);
  return files.filter((f) => /\.onnx$/i.test(f.path) || recognized.has(f.path)).map((f) => f.path);
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

/**
 * The files holding the model's external data, each with its path relative to the model's folder
 * (what the model's `location` says). When the document was parsed as ONNX, it says which files its
 * tensors live in (and marks them `onnx-data`); otherwise every file under the model's folder that is
 * not a known sidecar is passed.
 */
export function externalDataFiles<F extends { path: string }>(modelPath: string, files: readonly F[], document?: DocumentLike): { path: string; file: F }[] {
  const dir = directoryOf(modelPath);
  const inDir = (f: F) => f.path !== modelPath && f.path.startsWith(dir);
  const relative = (f: F) => ({ path: f.path.slice(dir.length), file: f });
  const otherModels = new Set(onnxModelPaths(files, document));
  if (document?.formats.includes('onnx')) {
    const referenced = new Set(
      [...document.tensors.map((t) => t.file), ...document.source.files.filter((f) => f.format === 'onnx-data').map((f) => f.path)].filter(
        (p) => p !== modelPath && !otherModels.has(p),
      ),
    );
    return files.filter((f) => referenced.has(f.path) && inDir(f)).map(relative);
  }
  return files.filter((f) => inDir(f) && !otherModels.has(f.path) && !NOT_DATA.test(f.path)).map(relative);
}
