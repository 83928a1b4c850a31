// The media pipeline's small pieces: sniffing by magic numbers, focus parsing, settings.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config";
import { parseFocus } from "../../server/domain/media/focus";
import { sniffUpload } from "../../server/domain/media/process";

const pad = (head: Buffer | string) => Buffer.concat([Buffer.from(head as never), Buffer.alloc(16)]);

describe("sniffUpload", () => {
  it("knows each accepted type by its first bytes", () => {
    expect(sniffUpload(pad(Buffer.from([0xff, 0xd8, 0xff, 0xe1])))).toEqual({ kind: "image", format: "jpeg" });
    expect(sniffUpload(pad(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))).toEqual({ kind: "image", format: "png" });
    expect(sniffUpload(pad("GIF89a"))).toEqual({ kind: "image", format: "gif" });
    expect(sniffUpload(pad("RIFF\0\0\0\0WEBPVP8 "))).toEqual({ kind: "image", format: "webp" });
    expect(sniffUpload(pad("\0\0\0\x18ftypheic"))).toEqual({ kind: "image", format: "heif" });
    expect(sniffUpload(pad("\0\0\0\x1cftypavif"))).toEqual({ kind: "image", format: "heif" });
    expect(sniffUpload(pad("%PDF-1.7\n"))).toMatchObject({ kind: "document", contentType: "application/pdf" });
  });

  it("refuses everything else, including look-alikes and video in the same container", () => {
    for (const head of ["<svg xmlns", "<?xml version", "#!/bin/sh", "PK\x03\x04", "\0\0\0\x18ftypmp42", "RIFF\0\0\0\0AVI LIST", "%PDF"]) {
      expect(sniffUpload(pad(head))).toBeNull();
    }
    expect(sniffUpload(Buffer.from([0xff, 0xd8, 0xff]))).toBeNull();
  });
});

describe("parseFocus", () => {
  it("reads x,y within -1…1 and rounds to two decimals", () => {
    expect(parseFocus("0.5,-0.25")).toEqual({ x: 0.5, y: -0.25 });
    expect(parseFocus(" -1 , 1 ")).toEqual({ x: -1, y: 1 });
    expect(parseFocus("0.123,0.456")).toEqual({ x: 0.12, y: 0.46 });
    expect(parseFocus("")).toBeNull();
  });

  it("refuses out-of-range or malformed values", () => {
    for (const bad of ["1.5,0", "0", "a,b", "0,0,0", "NaN,0", "Infinity,0", "1e0,0"]) expect(() => parseFocus(bad)).toThrow(/Focus/);
  });
});

describe("media settings", () => {
  it("have defaults and are validated", () => {
    expect(loadConfig({ PARVIS_DATA_DIR: "/tmp/x", PARVIS_SECRET: "s".repeat(32) }).media).toEqual({
      maxDimension: 4096,
      maxImageBytes: 16 * 1024 * 1024,
      maxDocumentBytes: 10 * 1024 * 1024,
      store: { kind: "filesystem" },
      cache: { maxRemoteBytes: 16 * 1024 * 1024, maxBytes: 1024 * 1024 * 1024, maxAgeMs: 30 * 86_400_000 },
    });
    expect(loadConfig({ PARVIS_DATA_DIR: "/tmp/x", PARVIS_SECRET: "s".repeat(32), PARVIS_MEDIA_MAX_DIMENSION: "2048" }).media.maxDimension).toBe(2048);
    expect(() => loadConfig({ PARVIS_DATA_DIR: "/tmp/x", PARVIS_SECRET: "s".repeat(32), PARVIS_MEDIA_MAX_DIMENSION: "10" })).toThrow(ConfigError);
    expect(() => loadConfig({ PARVIS_DATA_DIR: "/tmp/x", PARVIS_SECRET: "s".repeat(32), PARVIS_MEDIA_MAX_DOCUMENT_BYTES: "lots" })).toThrow(/PARVIS_MEDIA_MAX_DOCUMENT_BYTES/);
  });
});
