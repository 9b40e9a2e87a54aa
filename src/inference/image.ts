import { numberToFloat16, type HostTensor } from './tensor';

/**
 * Image pixels to a model input. The page decodes and resizes the image (createImageBitmap,
 * OffscreenCanvas) and hands over RGBA pixels; this turns them into an [1, C, H, W] (or
 * [1, H, W, C]) tensor: value = (pixel · scale − mean[c]) / std[c].
 */

export interface ImageNormalization {
  /** Per channel, in the model's channel order (after `channelOrder`). */
  mean: [number, number, number];
  std: [number, number, number];
  /** Multiplies the 0–255 pixel first: 1/255 for inputs in [0, 1], 1 for raw pixels. */
  scale: number;
  channelOrder: 'rgb' | 'bgr';
}

export const IMAGE_PRESETS: Record<string, { label: string; normalization: ImageNormalization }> = {
  imagenet: {
    label: 'ImageNet (mean 0.485 0.456 0.406, std 0.229 0.224 0.225)',
    normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 1 / 255, channelOrder: 'rgb' },
  },
  unit: { label: '[0, 1]', normalization: { mean: [0, 0, 0], std: [1, 1, 1], scale: 1 / 255, channelOrder: 'rgb' } },
  symmetric: { label: '[−1, 1] (mean 0.5, std 0.5)', normalization: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], scale: 1 / 255, channelOrder: 'rgb' } },
  raw: { label: '0–255', normalization: { mean: [0, 0, 0], std: [1, 1, 1], scale: 1, channelOrder: 'rgb' } },
  paddle: {
    label: 'PaddleOCR (BGR, ImageNet mean/std)',
    normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 1 / 255, channelOrder: 'bgr' },
  },
};

export interface ImageTensorOptions {
  /** 1 (grey, from luma), 3 or 4 channels. */
  channels: 1 | 3 | 4;
  layout: 'nchw' | 'nhwc';
  dtype: 'float32' | 'float16' | 'float64' | 'uint8';
  normalization: ImageNormalization;
}

export function rgbaToTensor(rgba: ArrayLike<number>, width: number, height: number, options: ImageTensorOptions): HostTensor {
  const { channels, layout, dtype, normalization } = options;
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} RGBA bytes for ${width}×${height}, got ${rgba.length}`);
  const { mean, std, scale, channelOrder } = normalization;
  const plane = width * height;
  const count = plane * channels;
  const values = new Float64Array(count);
  const source = channelOrder === 'bgr' ? [2, 1, 0, 3] : [0, 1, 2, 3];
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) {
      let pixel: number;
      if (channels === 1) pixel = 0.299 * rgba[p * 4]! + 0.587 * rgba[p * 4 + 1]! + 0.114 * rgba[p * 4 + 2]!;
      else pixel = rgba[p * 4 + source[c]!]!;
      const m = mean[Math.min(c, 2)]!;
      const s = std[Math.min(c, 2)]! || 1;
      const v = c === 3 ? pixel * scale : (pixel * scale - m) / s;
      values[layout === 'nchw' ? c * plane + p : p * channels + c] = v;
    }
  }
  const dims = layout === 'nchw' ? [1, channels, height, width] : [1, height, width, channels];
  switch (dtype) {
    case 'float32':
      return { dtype, dims, data: Float32Array.from(values) };
    case 'float64':
      return { dtype, dims, data: values };
    case 'float16':
      return { dtype, dims, data: Uint16Array.from(values, numberToFloat16) };
    case 'uint8':
      return { dtype, dims, data: Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(v)))) };
  }
}

/**
 * The source rectangle to draw so the image fills `width`×`height`: the whole image when
 * stretching, the centred crop with the target's aspect ratio when cropping.
 */
export function cropRect(
  imageWidth: number,
  imageHeight: number,
  width: number,
  height: number,
  fit: 'stretch' | 'crop',
): { sx: number; sy: number; sw: number; sh: number } {
  if (fit === 'stretch') return { sx: 0, sy: 0, sw: imageWidth, sh: imageHeight };
  const scale = Math.max(width / imageWidth, height / imageHeight);
  const sw = width / scale;
  const sh = height / scale;
  return { sx: (imageWidth - sw) / 2, sy: (imageHeight - sh) / 2, sw, sh };
}
