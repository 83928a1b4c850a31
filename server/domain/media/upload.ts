// One upload → its files in the media store and the attachment's fields: type from the
// bytes, size limits by kind, images processed, files written whole (none left behind on failure).
import type { Config } from "../../config";
import type { MediaStore } from "../context";
import { Invalid } from "../../errors";
import { newId } from "../../ids";
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

export async function processUpload(limits: Pick<Config["media"], "maxDimension" | "maxImageBytes" | "maxDocumentBytes">, store: MediaStore, bytes: Buffer): Promise<StoredUpload> {
  const kind = sniffUpload(bytes);
  if (!kind) throw new Invalid(UNSUPPORTED);
  const id = newId();
  if (kind.kind === "document") {
    if (bytes.length > limits.maxDocumentBytes) throw new Invalid(`Validation failed: File is too large (documents: at most ${megabytes(limits.maxDocumentBytes)})`);
    checkPdf(bytes);
    const fileName = `${id}.${kind.ext}`;
    await putAll(store, [{ key: fileName, bytes, contentType: kind.contentType }]);
    return { id, type: "unknown", fileName, previewFileName: null, contentType: kind.contentType, blurhash: null, meta: { size: bytes.length } };
  }
  if (bytes.length > limits.maxImageBytes) throw new Invalid(`Validation failed: File is too large (images: at most ${megabytes(limits.maxImageBytes)})`);
  const image = await processImage(bytes, kind.format, { maxDimension: limits.maxDimension });
  const fileName = `${id}.${image.original.ext}`;
  const previewFileName = `${id}-small.${image.small.ext}`;
  await putAll(store, [
    { key: fileName, bytes: image.original.bytes, contentType: image.original.contentType },
    { key: previewFileName, bytes: image.small.bytes, contentType: image.small.contentType },
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
export async function removeStoredFiles(store: MediaStore, stored: Pick<StoredUpload, "fileName" | "previewFileName">): Promise<void> {
  await Promise.all([stored.fileName, stored.previewFileName].filter((n): n is string => Boolean(n)).map((n) => store.delete(n)));
}

export interface FileToPut {
  key: string;
  bytes: Buffer;
  contentType: string;
}

/** Puts every file (each one whole); on any failure removes those of the batch already put. */
export async function putAll(store: MediaStore, files: FileToPut[]): Promise<void> {
  const put: string[] = [];
  try {
    for (const f of files) {
      put.push(f.key);
      await store.put(f.key, f.bytes, f.contentType);
    }
  } catch (err) {
    await Promise.allSettled(put.map((k) => store.delete(k)));
    throw err;
  }
}
