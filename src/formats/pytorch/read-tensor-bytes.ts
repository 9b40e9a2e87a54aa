import type { ByteSource } from '../../model/byte-source';
import type { TensorInfo } from '../../model/document';
import { DTYPES } from '../../model/dtype';
import { CancelledError, FormatError } from '../../model/errors';
import type { PytorchTensorInfo } from '../../model/pickle';

/** Largest read per chunk when streaming a tensor's bytes. */
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
/**
 * Largest storage span read at once to gather a non-contiguous tensor. A view's elements are
 * scattered over its span, so the span is read whole and re-strided in memory.
 */
export const MAX_GATHER_SPAN_BYTES = 256 * 1024 * 1024;
/** Largest tensor readTensorBytes returns in one array. */
export const MAX_TENSOR_READ_BYTES = 256 * 1024 * 1024;

function field(name: string): string {
  return `tensors[${JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name)}]`;
}

/**
 * Streams a tensor's values as contiguous row-major bytes, in chunks of at most `chunkBytes`.
 * Contiguous tensors are read by range; non-contiguous PyTorch views (`torch.contiguous` false)
 * have their storage span read (at most MAX_GATHER_SPAN_BYTES) and are gathered with their strides.
 */
export async function* tensorChunks(
  source: ByteSource,
  tensor: TensorInfo | PytorchTensorInfo,
  signal?: AbortSignal,
  chunkBytes = MAX_CHUNK_BYTES,
): AsyncGenerator<Uint8Array> {
  if (tensor.unreadable !== undefined) throw new FormatError(tensor.file, field(tensor.name), `cannot be read: ${tensor.unreadable}`);
  const itemsize = DTYPES[tensor.dtype].bits / 8;
  const layout = 'torch' in tensor ? tensor.torch : undefined;
  if (!layout || layout.contiguous) {
    for (let done = 0; done < tensor.byteLength;) {
      if (signal?.aborted) throw new CancelledError();
      const length = Math.min(chunkBytes, tensor.byteLength - done);
      yield await source.read(tensor.byteOffset + done, length, signal);
      done += length;
    }
    return;
  }
  if (tensor.byteLength > MAX_GATHER_SPAN_BYTES) {
    throw new FormatError(
      tensor.file,
      field(tensor.name),
      `is a non-contiguous view over ${tensor.byteLength} bytes of its storage; Loupe gathers views over at most ${MAX_GATHER_SPAN_BYTES} bytes`,
    );
  }
  const span = await source.read(tensor.byteOffset, tensor.byteLength, signal);
  yield* gather(span, tensor.shape as number[], layout.stride, itemsize, chunkBytes, signal);
}

/**
 * Copies the elements of a strided view out of `span` (which starts at the view's first element)
 * in row-major order, in chunks. Strides are in elements; a stride of 0 repeats (expand).
 */
function* gather(span: Uint8Array, shape: number[], stride: number[], itemsize: number, chunkBytes: number, signal?: AbortSignal): Generator<Uint8Array> {
  const elements = shape.reduce((a, b) => a * b, 1);
  if (elements === 0) return;
  const total = elements * itemsize;
  const capacity = Math.max(itemsize, Math.floor(chunkBytes / itemsize) * itemsize);
  let out = new Uint8Array(Math.min(capacity, total));
  let position = 0;
  let emitted = 0;
  const rank = shape.length;
  const inner = rank === 0 ? 1 : (shape[rank - 1] as number);
  const innerStride = rank === 0 ? 0 : (stride[rank - 1] as number) * itemsize;
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
  for (let row = 0, rows = elements / inner; row < rows; row++) {
    if ((row & 0xffff) === 0 && signal?.aborted) throw new CancelledError();
    let base = 0;
    for (let i = 0; i < rank - 1; i++) base += (index[i] as number) * (stride[i] as number) * itemsize;
    for (let j = 0; j < inner; j++) {
      const from = base + j * innerStride;
      out.set(span.subarray(from, from + itemsize), position);
      position += itemsize;
      if (position === out.length) {
        yield out;
        emitted += out.length;
        position = 0;
        if (emitted < total) out = new Uint8Array(Math.min(capacity, total - emitted));
      }
    }
    // Odometer over the outer dims.
    for (let i = rank - 2; i >= 0; i--) {
      index[i] = (index[i] as number) + 1;
      if ((index[i] as number) < (shape[i] as number)) break;
      index[i] = 0;
    }
  }
}

/**
 * A tensor's values as one contiguous row-major array (gathered when the tensor is a view), for
 * value views and statistics. At most MAX_TENSOR_READ_BYTES.
 */
export async function readTensorBytes(source: ByteSource, tensor: TensorInfo | PytorchTensorInfo, signal?: AbortSignal): Promise<Uint8Array> {
  const length = tensor.elements * (DTYPES[tensor.dtype].bits / 8);
  if (length > MAX_TENSOR_READ_BYTES)
    throw new FormatError(tensor.file, field(tensor.name), `is ${length} bytes, more than the ${MAX_TENSOR_READ_BYTES}-byte read limit`);
  const out = new Uint8Array(length);
  let position = 0;
  for await (const chunk of tensorChunks(source, tensor, signal)) {
    out.set(chunk.subarray(0, Math.min(chunk.length, length - position)), position);
    position += chunk.length;
  }
  return out;
}
