/**
 * Every bound GGUF parsing puts on untrusted input, in one place. They follow @huggingface/gguf's
 * safety limits (packages/gguf/src/gguf.ts) and ggml's reader (src/gguf.cpp), noted where they differ.
 */

/** Most metadata key/value pairs (@huggingface/gguf: MAX_KV_COUNT). */
export const MAX_METADATA_COUNT = 100_000;
/** Most tensors in one file (@huggingface/gguf: MAX_TENSOR_COUNT). */
export const MAX_TENSOR_COUNT = 10_000_000;
/** Longest string value, in bytes (@huggingface/gguf: MAX_STRING_LENGTH, 10 MB; chat templates are kilobytes). */
export const MAX_STRING_LENGTH = 10_000_000;
/** Longest metadata key, in bytes (docs/gguf.md: "at most 2^16-1 bytes"). */
export const MAX_KEY_LENGTH = 65_535;
/** Longest tensor name, in bytes (docs/gguf.md: "at most 64 bytes"). */
export const MAX_TENSOR_NAME_LENGTH = 64;
/** Most elements in one metadata array (@huggingface/gguf: MAX_METADATA_ARRAY_LENGTH; a 260k vocabulary fits). */
export const MAX_ARRAY_LENGTH = 1_000_000;
/** Deepest nesting of arrays: an array of arrays of arrays of arrays (@huggingface/gguf: MAX_ARRAY_RECURSION_DEPTH). */
export const MAX_ARRAY_NESTING = 4;
/** Most dimensions per tensor: ggml's GGML_MAX_DIMS (@huggingface/gguf allows 8). */
export const MAX_DIMS = 4;
/** Largest single dimension (@huggingface/gguf: MAX_TENSOR_DIM); the largest real one is a vocabulary, ~10^5. */
export const MAX_DIM = 2 ** 32;
/**
 * Fewest bits a stored parameter can take (@huggingface/gguf: MIN_BITS_PER_PARAMETER). The smallest
 * ggml type, IQ1_S, takes 1.5625, so a file of N bytes holds at most 8N parameters.
 */
export const MIN_BITS_PER_PARAMETER = 1;
/** Most header bytes (metadata and tensor infos) read before giving up (@huggingface/gguf reads at most 50 MB). */
export const MAX_HEADER_LENGTH = 64 * 1024 * 1024;
/** Largest `general.alignment`; ggml writes 32, and a data section never needs more than a page or two. */
export const MAX_ALIGNMENT = 1024 * 1024;
/** Most files a model may be split into: llama.cpp writes `split.count` as a uint16. */
export const MAX_SPLIT_COUNT = 65_535;
/** Missing splits named one warning each; the rest are counted in one more. */
export const MAX_NAMED_MISSING_SPLITS = 8;
