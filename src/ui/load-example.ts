import type { FileInput } from '../workers/parse-protocol';

/** The bundled example, made by `npm run example` (scripts/make-example.mjs) into public/examples. */
export const EXAMPLE_DIR = 'examples/tiny-llama';

interface ExampleManifest {
  name: string;
  files: string[];
}

function isManifest(value: unknown): value is ExampleManifest {
  const v = value as ExampleManifest;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    Array.isArray(v.files) &&
    v.files.every((f) => typeof f === 'string' && !f.includes('..'))
  );
}

/** Fetches the example's files from the app's own origin. */
export async function loadExample(signal?: AbortSignal): Promise<FileInput[]> {
  const base = new URL(`${import.meta.env.BASE_URL}${EXAMPLE_DIR}/`, window.location.href);
  const manifest: unknown = await (await fetch(new URL('manifest.json', base), { signal })).json();
  if (!isManifest(manifest)) throw new Error('The bundled example is damaged: manifest.json is not a file list.');
  return Promise.all(
    manifest.files.map(async (file) => {
      const response = await fetch(new URL(file, base), { signal });
      if (!response.ok) throw new Error(`The bundled example is missing ${file} (HTTP ${response.status}).`);
      return { path: `${manifest.name}/${file}`, blob: await response.blob() };
    }),
  );
}
