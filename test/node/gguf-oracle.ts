import { gguf } from '@huggingface/gguf';

/** A fetch that answers Range requests from `bytes` with 206 and a Content-Range, as the Hub does. */
export function rangeFetch(bytes: Uint8Array): typeof fetch {
  return async (_input, init) => {
    const range = new Headers(init?.headers).get('range');
    const match = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (!match) return new Response(bytes.slice(), { status: 200 });
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), bytes.length - 1);
    return new Response(bytes.slice(start, end + 1), {
      status: 206,
      headers: { 'content-range': `bytes ${start}-${end}/${bytes.length}` },
    });
  };
}

/** @huggingface/gguf's reading of `bytes`, with its parameter count: the differential oracle. */
export async function referenceGguf(bytes: Uint8Array, name = 'model.gguf') {
  return gguf(`https://oracle.test/${name}`, { fetch: rangeFetch(bytes), computeParametersCount: true });
}
