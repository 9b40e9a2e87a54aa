import type { ValueInfo } from './engine';
import { compareTensors, type Comparison, type Tolerance } from './compare';
import { cropRect, rgbaToTensor } from './image';
import { defaultRecipe, imageLayout, inputDims, type ImageSettings, type InputRecipe } from './input-recipe';
import { buildInput, type InputSource } from './input-spec';
import { firstValues, isClassificationLike, tensorStats, topK, type TopKEntry } from './stats';
import type { TensorStats } from '../formats/tensors/tensor-stats';
import type { HostTensor, NamedTensor } from './tensor';
import { decodeTensorFile } from './tensor-files';

/**
 * The inference view's heavy work, pure of any worker plumbing, run in the inference worker:
 * building inputs from their recipes (a 1×3×2000×2000 fill is 12 million values), decoding
 * .npy/.pb files, preprocessing images, summarizing and comparing outputs.
 */

export interface BuiltFeeds {
  feeds: NamedTensor[];
  /** Per input, why it could not be built, in words. */
  errors: Record<string, string>;
  notes: Record<string, string[]>;
}

async function readTensorFile(blob: Blob, name: string): Promise<NamedTensor> {
  return decodeTensorFile(new Uint8Array(await blob.arrayBuffer()), name);
}

/** Decodes, resizes and normalizes an image into the input's layout (createImageBitmap + OffscreenCanvas, both in workers). */
async function imageTensor(info: ValueInfo, file: Blob, dims: number[], settings: ImageSettings): Promise<HostTensor> {
  const layout = imageLayout(info);
  if (!layout) throw new TypeError(`${info.name} is not an image input`);
  const [height, width] = layout.layout === 'nchw' ? [dims[2]!, dims[3]!] : [dims[1]!, dims[2]!];
  const bitmap = await createImageBitmap(file);
  try {
    const { sx, sy, sw, sh } = cropRect(bitmap.width, bitmap.height, width, height, settings.fit);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser has no 2D canvas in OffscreenCanvas');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, sx, sy, sw, sh, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height).data;
    return rgbaToTensor(pixels, width, height, { ...layout, dtype: info.dtype as 'float32', normalization: settings.normalization });
  } finally {
    bitmap.close();
  }
}

/** Builds every input's tensor from its recipe; errors are per input, in words. */
export async function buildFeeds(
  inputs: readonly ValueInfo[],
  recipes: Record<string, InputRecipe>,
  symbols: Record<string, number>,
  seed: number,
  vocabSize?: number,
): Promise<BuiltFeeds> {
  const feeds: NamedTensor[] = [];
  const errors: Record<string, string> = {};
  const notes: Record<string, string[]> = {};
  for (const [index, info] of inputs.entries()) {
    const recipe = recipes[info.name] ?? defaultRecipe(info, vocabSize);
    try {
      if (!info.isTensor) throw new TypeError(`${info.name} is not a tensor (a sequence, map or optional); Loupe cannot make one.`);
      if (!info.dtype) throw new TypeError(`${info.name} has the element type ${info.typeName ?? 'unknown'}, which ONNX Runtime Web cannot take.`);
      const dims = inputDims(info, recipe, symbols);
      let source: InputSource;
      switch (recipe.source) {
        case 'fill':
          source = { kind: 'fill', fill: recipe.fill };
          break;
        case 'json':
          source = { kind: 'json', text: recipe.json };
          break;
        case 'tokens':
          source = { kind: 'tokens', text: recipe.tokens };
          break;
        case 'file':
          if (!recipe.file) throw new TypeError(`Choose a .npy or .pb file for ${info.name}.`);
          source = { kind: 'tensor', tensor: await readTensorFile(recipe.file.blob, recipe.file.name), origin: recipe.file.name };
          break;
        case 'image':
          if (!recipe.image) throw new TypeError(`Choose an image for ${info.name}.`);
          source = { kind: 'tensor', tensor: await imageTensor(info, recipe.image.file, dims, recipe.imageSettings), origin: recipe.image.name };
          break;
      }
      const built = buildInput(info, index, source, dims, seed);
      feeds.push(built.tensor);
      if (built.notes.length) notes[info.name] = built.notes;
    } catch (error) {
      errors[info.name] = error instanceof Error ? error.message : String(error);
    }
  }
  return { feeds, errors, notes };
}

/** What the page keeps of a decoded tensor file: enough to show it and match it to a value, not its data. */
export interface TensorFileSummary {
  fileName: string;
  /** The name stored in the file (TensorProto.name); empty for .npy. */
  storedName: string;
  dtype: string;
  dims: number[];
}

/** Decodes each file to check it and say what it holds; a file that does not decode is a problem in words. */
export async function describeTensorFiles(files: readonly { name: string; blob: Blob }[]): Promise<{ files: TensorFileSummary[]; problems: string[] }> {
  const described: TensorFileSummary[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      const tensor = await readTensorFile(file.blob, file.name);
      described.push({ fileName: file.name, storedName: tensor.name, dtype: tensor.dtype, dims: tensor.dims });
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { files: described, problems };
}

/** What the outputs panel shows of one output, computed where the output is. */
export interface OutputSummary {
  name: string;
  stats: TensorStats;
  first: string[];
  /** For classification-like outputs: the five best classes (labels are added by the page). */
  top?: TopKEntry[];
}

export function summarizeOutputs(outputs: readonly NamedTensor[]): OutputSummary[] {
  return outputs.map((output) => ({
    name: output.name,
    stats: tensorStats(output),
    first: firstValues(output, 12),
    ...(isClassificationLike(output) ? { top: topK(output, 5) } : {}),
  }));
}

/** Compares outputs with expected files, by output name. */
export async function compareOutputs(
  outputs: readonly NamedTensor[],
  expected: readonly { output: string; name: string; blob: Blob }[],
  tolerance: Tolerance,
): Promise<Record<string, Comparison>> {
  const result: Record<string, Comparison> = {};
  for (const e of expected) {
    const output = outputs.find((o) => o.name === e.output);
    if (output) result[e.output] = compareTensors(output, await readTensorFile(e.blob, e.name), tolerance);
  }
  return result;
}
