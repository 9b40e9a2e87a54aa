import { downloadBlob } from '../download';

/** Saves the current view as SVG, the source it was drawn from. */
export function exportSvg(svg: string, name: string): void {
  downloadBlob(new Blob([svg], { type: 'image/svg+xml' }), `${name}.svg`);
}

export function exportMermaid(text: string, name: string): void {
  downloadBlob(new Blob([text], { type: 'text/plain' }), `${name}.mmd`);
}

/** Rasterizes the SVG at 2× through an <img> and a canvas. */
export async function exportPng(svg: string, name: string): Promise<void> {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  const box = root.getAttribute('viewBox')?.split(/\s+/).map(Number);
  const width = box?.[2] || Number.parseFloat(root.getAttribute('width') ?? '') || 800;
  const height = box?.[3] || Number.parseFloat(root.getAttribute('height') ?? '') || 600;
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(root)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const context = canvas.getContext('2d')!;
    context.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--panel') || '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (blob) downloadBlob(blob, `${name}.png`);
  } finally {
    URL.revokeObjectURL(url);
  }
}
