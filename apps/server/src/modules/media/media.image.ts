import sharp, { type Sharp } from 'sharp';

export const THUMBNAIL_SIZE = 320;
/** Decompression-bomb guard: refuse images above ~50 megapixels. */
const MAX_PIXELS = 50_000_000;

export type ProcessedImage = { width: number; height: number };

const encode = (img: Sharp, mime: string): Sharp => {
  switch (mime) {
    case 'image/jpeg':
      return img.jpeg({ quality: 85, mozjpeg: true });
    case 'image/png':
      return img.png();
    case 'image/webp':
      return img.webp({ quality: 85 });
    default:
      return img.gif();
  }
};

/**
 * Re-encodes the image in its own format with every metadata block dropped (EXIF, GPS, XMP, IPTC;
 * sharp keeps none unless asked), after applying the EXIF orientation so the picture still looks
 * right. Writes the clean image to `out` and a WebP thumbnail (first frame) to `thumbOut`.
 * Throws when the bytes do not decode as an image.
 */
export async function processImage(
  input: string,
  mime: string,
  out: string,
  thumbOut: string,
): Promise<ProcessedImage> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  const options = { limitInputPixels: MAX_PIXELS, animated, failOn: 'error' as const };
  const info = await encode(sharp(input, options).rotate(), mime).toFile(out);
  await sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
    .rotate()
    .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 70 })
    .toFile(thumbOut);
  // Animated images are stacked pages: report one frame's height.
  const pageHeight = (info as { pageHeight?: number }).pageHeight;
  return { width: info.width, height: animated && pageHeight ? pageHeight : info.height };
}

/** A square avatar: centre crop, resized, WebP, metadata dropped. */
export async function processAvatar(input: string, size: number, out: string): Promise<void> {
  await sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
    .rotate()
    .resize({ width: size, height: size, fit: 'cover', position: 'attention' })
    .webp({ quality: 85 })
    .toFile(out);
}
