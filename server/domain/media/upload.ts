// One upload → its files on disk and the attachment's fields: type from the
// bytes, size limits by kind, images processed, files written atomically.
import { join } from "node:path";
import type { Config } from "../../config";
import { Invalid } from "../../errors";
import { newId } from "../../ids";
import { removeFiles, writeFilesAtomically } from "./files";
import { checkPdf, processImage, sniffUpload } from "./process";

export interface StoredUpload {
  id: string;
  /** Mastodon's attachment type: "image", or "unknown" for a PDF document */
  type: "image" | "unknown";
  fileName: string;
  previewFileName: string | null;
  contentType: string;
  blurhash: string | null;
  meta: Record<string, unknown>;
}

export const UNSUPPORTED = "Validation failed: File type is not supported: JPEG, PNG, WebP, GIF, HEIC or AVIF images, or PDF documents";

const megabytes = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;

export async function processUpload(limits: Config["media"], dir: string, bytes: Buffer): Promise<StoredUpload> {
  const kind = sniffUpload(bytes);
  if (!kind) throw new Invalid(UNSUPPORTED);
  const id = newId();
  if (kind.kind === "document") {
    if (bytes.length > limits.maxDocumentBytes) throw new Invalid(`Validation failed: File is too large (documents: at most ${megabytes(limits.maxDocumentBytes)})`);
    checkPdf(bytes);
    const fileName = `${id}.${kind.ext}`;
    await writeFilesAtomically(dir, [{ name: fileName, bytes }]);
    return { id, type: "unknown", fileName, previewFileName: null, contentType: kind.contentType, blurhash: null, meta: { size: bytes.length } };
  }
  if (bytes.length > limits.maxImageBytes) throw new Invalid(`Validation failed: File is too large (images: at most ${megabytes(limits.maxImageBytes)})`);
  const image = await processImage(bytes, kind.format, { maxDimension: limits.maxDimension });
  const fileName = `${id}.${image.original.ext}`;
  const previewFileName = `${id}-small.${image.small.ext}`;
  await writeFilesAtomically(dir, [
    { name: fileName, bytes: image.original.bytes },
    { name: previewFileName, bytes: image.small.bytes },
  ]);
  return {
    id,
    type: "image",
    fileName,
    previewFileName,
    contentType: image.original.contentType,
    blurhash: image.blurhash,
    meta: { original: image.original.dimensions, small: image.small.dimensions },
  };
}

/** Removes an upload's files (when its row could not be written). */
export async function removeStoredFiles(dir: string, stored: Pick<StoredUpload, "fileName" | "previewFileName">): Promise<void> {
  await removeFiles([stored.fileName, stored.previewFileName].filter((n): n is string => Boolean(n)).map((n) => join(dir, n)));
}
