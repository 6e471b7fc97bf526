import type { OutgoingFile } from '@charla/e2ee';

const MAX_EDGE = 320;

/**
 * The sender makes the thumbnail (the server only ever sees ciphertext): a WebP at most 320 px on
 * its longer edge, drawn from the decoded image (which also drops EXIF/GPS metadata).
 */
export async function makeThumbnail(
  file: Blob,
): Promise<{ file: NonNullable<OutgoingFile['thumbnail']>; sourceWidth: number; sourceHeight: number }> {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/webp', 0.7));
    if (!blob) throw new Error('Cannot make a thumbnail');
    return {
      file: { bytes: new Uint8Array(await blob.arrayBuffer()), mime: blob.type || 'image/webp', width, height },
      sourceWidth: bitmap.width,
      sourceHeight: bitmap.height,
    };
  } finally {
    bitmap.close();
  }
}
