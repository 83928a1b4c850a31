// The upload pipeline: what a file is (from its bytes, never its name or the
// Content-Type the client sent), and for images a clean re-encoded copy:
// orientation applied, every piece of metadata (EXIF with GPS, XMP, IPTC, ICC)
// dropped after conversion to sRGB, the size capped, a thumbnail and a blurhash.
import { encode as encodeBlurhash } from "blurhash";
import type sharpFactory from "sharp";
import type { ResizeOptions, Sharp, SharpOptions } from "sharp";
import { Invalid } from "../../errors";

type SharpFactory = typeof sharpFactory;
let sharpLoading: Promise<SharpFactory> | undefined;
/**
 * sharp (libvips) is loaded with the first image: about 90 ms and 20 MB of memory a
 * server spends only once someone uploads or a remote image is cached.
 */
function loadSharp(): Promise<SharpFactory> {
  sharpLoading ??= import("sharp").then((m) => m.default as SharpFactory);
  return sharpLoading;
}

/** An image whose header declares more pixels than this is refused before decoding. */
export const MAX_INPUT_PIXELS = 100_000_000;
/** Longest side of the thumbnail (Mastodon's `small`). */
export const SMALL_DIMENSION = 640;

export type Sniffed =
  | { kind: "image"; format: "jpeg" | "png" | "gif" | "webp" | "heif" }
  | { kind: "document"; contentType: "application/pdf"; ext: "pdf" };

const ascii = (b: Buffer, start: number, end: number) => b.subarray(start, end).toString("latin1");

/** ISO-BMFF brands of HEIC/HEIF and AVIF still images. */
const HEIF_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"]);

/** Video or audio of a remote post, proxied as it is (not re-encoded): its type from its bytes. */
export interface SniffedPlayable {
  kind: "video" | "audio";
  contentType: string;
  ext: string;
}

/** MP4/QuickTime brands that hold sound only. */
const AUDIO_MP4_BRANDS = new Set(["M4A ", "M4B ", "M4P "]);

/**
 * The playable type of a remote video or audio file from its magic numbers;
 * null for anything else (an HTML page, a script, an image). Only remote
 * files go through this: residents upload images and documents (ADR 0018).
 */
export function sniffPlayable(b: Buffer): SniffedPlayable | null {
  if (b.length < 12) return null;
  if (ascii(b, 4, 8) === "ftyp") {
    const brand = ascii(b, 8, 12);
    if (HEIF_BRANDS.has(brand)) return null;
    if (AUDIO_MP4_BRANDS.has(brand)) return { kind: "audio", contentType: "audio/mp4", ext: "m4a" };
    return { kind: "video", contentType: "video/mp4", ext: "mp4" };
  }
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { kind: "video", contentType: "video/webm", ext: "webm" };
  if (ascii(b, 0, 4) === "OggS") return { kind: "audio", contentType: "audio/ogg", ext: "ogg" };
  if (ascii(b, 0, 4) === "fLaC") return { kind: "audio", contentType: "audio/flac", ext: "flac" };
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WAVE") return { kind: "audio", contentType: "audio/wav", ext: "wav" };
  if (ascii(b, 0, 3) === "ID3" || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0)) {
    return { kind: "audio", contentType: "audio/mpeg", ext: "mp3" };
  }
  return null;
}

/** The file's type from its magic numbers; null when it is nothing we accept. */
export function sniffUpload(b: Buffer): Sniffed | null {
  if (b.length < 12) return null;
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { kind: "image", format: "png" };
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: "image", format: "jpeg" };
  if (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a") return { kind: "image", format: "gif" };
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return { kind: "image", format: "webp" };
  if (ascii(b, 4, 8) === "ftyp" && HEIF_BRANDS.has(ascii(b, 8, 12))) return { kind: "image", format: "heif" };
  if (ascii(b, 0, 5) === "%PDF-") return { kind: "document", contentType: "application/pdf", ext: "pdf" };
  return null;
}

export interface Dimensions {
  width: number;
  height: number;
  size: string;
  aspect: number;
}

export interface ProcessedImage {
  original: { bytes: Buffer; contentType: string; ext: string; dimensions: Dimensions };
  small: { bytes: Buffer; contentType: string; ext: string; dimensions: Dimensions };
  blurhash: string;
}

export interface ImageLimits {
  /** longest side kept, in px */
  maxDimension: number;
}

function dimensions(width: number, height: number): Dimensions {
  return { width, height, size: `${width}x${height}`, aspect: Math.round((width / height) * 1e6) / 1e6 };
}

const unreadable = () => new Invalid("Validation failed: File could not be read as an image (corrupt or truncated)");

const OUTPUT: Record<"jpeg" | "png" | "gif" | "webp", { contentType: string; ext: string }> = {
  jpeg: { contentType: "image/jpeg", ext: "jpg" },
  png: { contentType: "image/png", ext: "png" },
  gif: { contentType: "image/gif", ext: "gif" },
  webp: { contentType: "image/webp", ext: "webp" },
};

/** HEIC/AVIF are re-encoded to JPEG (or PNG with transparency): browsers do not all show them. */
function outputFormat(format: Extract<Sniffed, { kind: "image" }>["format"], hasAlpha: boolean): keyof typeof OUTPUT {
  if (format === "heif") return hasAlpha ? "png" : "jpeg";
  return format;
}

/**
 * Decodes and re-encodes an image. Refuses (422) a file whose header declares
 * too many pixels before any decoding, and a corrupt or truncated one.
 */
export async function processImage(bytes: Buffer, format: Extract<Sniffed, { kind: "image" }>["format"], limits: ImageLimits): Promise<ProcessedImage> {
  const sharp = await loadSharp();
  const animated = format === "gif" || format === "webp";
  const input = { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" as const, animated, sequentialRead: true };
  // The header alone: cheap, and enough to refuse a decompression bomb.
  const meta = await sharp(bytes, { ...input, limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw unreadable();
    });
  const frameHeight = meta.pageHeight ?? meta.height;
  if (!meta.width || !frameHeight) throw unreadable();
  const frames = meta.pages ?? 1;
  if (meta.width * frameHeight > MAX_INPUT_PIXELS || meta.width * frameHeight * frames > MAX_INPUT_PIXELS) {
    throw new Invalid(`Validation failed: Image dimensions are too large (at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels)`);
  }
  const out = outputFormat(format, Boolean(meta.hasAlpha));
  const cap = { width: limits.maxDimension, height: limits.maxDimension, fit: "inside" as const, withoutEnlargement: true };
  try {
    // A still image is decoded once to sRGB pixels; the stored copy, the thumbnail and the
    // blurhash are made from them. An animation goes through sharp frame by frame instead.
    // Neither path calls withMetadata/keepExif: no EXIF, XMP, IPTC or ICC is written.
    const source = frames > 1 ? sharp(bytes, input).rotate().resize(cap) : await decodeOnce(sharp, bytes, input, cap);
    let pipeline = source.clone();
    if (out === "jpeg") pipeline = pipeline.flatten({ background: "#ffffff" }).jpeg({ quality: 85, mozjpeg: true });
    else if (out === "png") pipeline = pipeline.png({ compressionLevel: 9 });
    else if (out === "gif") pipeline = pipeline.gif();
    else pipeline = pipeline.webp({ quality: 85 });
    const { data: original, info } = await pipeline.toBuffer({ resolveWithObject: true });
    const originalHeight = info.pageHeight ?? info.height;

    // The thumbnail and the blurhash: from the decoded pixels, or from the first frame of the clean animation.
    const still = frames > 1 ? () => sharp(original, { limitInputPixels: MAX_INPUT_PIXELS }) : () => source.clone();
    const { data: small, info: smallInfo } = await still()
      .resize({ width: SMALL_DIMENSION, height: SMALL_DIMENSION, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    const { data: pixels, info: px } = await still().resize(32, 32, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const blurhash = encodeBlurhash(new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.length), px.width, px.height, 4, 3);
    return {
      original: { bytes: original, ...OUTPUT[out], dimensions: dimensions(info.width, originalHeight) },
      small: { bytes: small, ...OUTPUT.webp, dimensions: dimensions(smallInfo.width, smallInfo.height) },
      blurhash,
    };
  } catch (err) {
    if (err instanceof Invalid) throw err;
    throw unreadable();
  }
}

/** Decodes a still image once: oriented, capped, sRGB pixels, as a sharp input for the outputs. */
async function decodeOnce(sharp: SharpFactory, bytes: Buffer, input: SharpOptions, cap: ResizeOptions): Promise<Sharp> {
  const { data, info } = await sharp(bytes, input).rotate().resize(cap).toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels }, limitInputPixels: MAX_INPUT_PIXELS });
}

/**
 * A PDF is kept as sent (never rendered on the server): its start says `%PDF-`
 * and it must carry an end-of-file marker near its end, or it is truncated.
 */
export function checkPdf(bytes: Buffer): void {
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024)).toString("latin1");
  if (!tail.includes("%%EOF")) throw new Invalid("Validation failed: The PDF document is truncated or corrupt");
}
