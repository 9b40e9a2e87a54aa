import type { ValueInfo } from './engine';
import { defaultFill, isImageLike, resolveDims, type FillOptions } from './generate';
import { IMAGE_PRESETS, type ImageNormalization } from './image';

/**
 * How the page asks for one input's values: a recipe (generate, JSON, token ids, a .npy/.pb file,
 * an image) that the inference worker turns into a tensor, so that the page never builds or
 * holds a large input itself.
 */

export type SourceKind = 'fill' | 'json' | 'tokens' | 'file' | 'image';

export interface ImageSettings {
  preset: string;
  normalization: ImageNormalization;
  fit: 'stretch' | 'crop';
}

/** A tensor file chosen for an input: its bytes stay in the Blob; the page keeps only what it shows. */
export interface TensorFileRef {
  name: string;
  blob: Blob;
  dtype: string;
  dims: number[];
}

export interface InputRecipe {
  source: SourceKind;
  fill: Omit<FillOptions, 'seed'>;
  /** Overrides of unnamed symbolic dims, by `#axis` (named symbols live in the shared `symbols`). */
  axes: Record<string, number>;
  json: string;
  tokens: string;
  file?: TensorFileRef;
  image?: { file: Blob; name: string };
  imageSettings: ImageSettings;
}

export function defaultRecipe(info: ValueInfo, vocabSize?: number): InputRecipe {
  return {
    source: 'fill',
    fill: defaultFill(info.name, info.dtype, vocabSize),
    axes: {},
    json: '',
    tokens: '',
    imageSettings: { preset: 'imagenet', normalization: IMAGE_PRESETS.imagenet!.normalization, fit: 'stretch' },
  };
}

/** Concrete dims for an input: declared numbers, shared symbol values, per-axis overrides, defaults. */
export function inputDims(info: ValueInfo, recipe: Pick<InputRecipe, 'axes'>, symbols: Record<string, number>): number[] {
  return resolveDims(info.shape, { ...symbols, ...recipe.axes });
}

export function imageLayout(info: ValueInfo): { layout: 'nchw' | 'nhwc'; channels: 1 | 3 | 4 } | undefined {
  const shape = info.shape;
  if (!shape || shape.length !== 4) return undefined;
  if (isImageLike(shape)) return { layout: 'nchw', channels: shape[1] as 1 | 3 | 4 };
  if (typeof shape[3] === 'number' && [1, 3, 4].includes(shape[3])) return { layout: 'nhwc', channels: shape[3] as 1 | 3 | 4 };
  return undefined;
}

export function canTakeImage(info: ValueInfo): boolean {
  return !!imageLayout(info) && (info.dtype === 'float32' || info.dtype === 'float16' || info.dtype === 'float64' || info.dtype === 'uint8');
}

export function canTakeTokens(info: ValueInfo): boolean {
  return info.dtype === 'int64' || info.dtype === 'int32' || info.dtype === 'uint64' || info.dtype === 'uint32';
}
