// A minimal streaming ZIP writer for data exports: entries are written to a
// file one after the other, their bytes never held whole in memory. Each
// local header is written first with blank sizes and CRC, then patched in
// place once the entry's data is written (the archive is a file we can seek
// in, so no data descriptors are needed and every reader understands it).
// No ZIP64: an archive past 4 GB or 65,535 entries is refused.
//
// No ZIP package is installed in this project (archiver, yazl, jszip); a
// well-kept one such as yazl would be preferable to this file if added.
import { open, type FileHandle } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { createDeflateRaw, crc32 } from "node:zlib";

const LIMIT_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;
const UTF8_NAMES = 0x0800;

export class ZipTooLarge extends Error {
  constructor() {
    super("The archive would exceed 4 GB or 65,535 entries (ZIP64 is not supported)");
  }
}

interface CentralEntry {
  name: Buffer;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export interface EntryOptions {
  /** deflate the entry (text); stored as is otherwise (images are already compressed) */
  compress?: boolean;
  modified?: Date;
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Entry names are relative paths with forward slashes, never escaping the archive. */
function checkName(name: string): Buffer {
  if (!name || name.startsWith("/") || name.includes("\\") || name.split("/").some((p) => p === ".." || p === "")) {
    throw new Error(`invalid entry name: ${name}`);
  }
  const bytes = Buffer.from(name, "utf8");
  if (bytes.length > 0xffff) throw new Error("entry name too long");
  return bytes;
}

export class ZipWriter {
  private position = 0;
  private readonly entries: CentralEntry[] = [];
  private closed = false;

  private readonly file: FileHandle;

  private constructor(file: FileHandle) {
    this.file = file;
  }

  /** Creates (or truncates) the archive file. */
  static async create(path: string): Promise<ZipWriter> {
    return new ZipWriter(await open(path, "w", 0o600));
  }

  /** Bytes written so far. */
  get size(): number {
    return this.position;
  }

  private async write(buffer: Buffer): Promise<void> {
    if (this.position + buffer.length > LIMIT_32) throw new ZipTooLarge();
    let written = 0;
    while (written < buffer.length) {
      const { bytesWritten } = await this.file.write(buffer, written, buffer.length - written, this.position + written);
      written += bytesWritten;
    }
    this.position += buffer.length;
  }

  /** Adds one entry whose content comes from `source` (strings are UTF-8). */
  async add(name: string, source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, options: EntryOptions = {}): Promise<void> {
    if (this.closed) throw new Error("archive already finished");
    if (this.entries.length >= MAX_ENTRIES) throw new ZipTooLarge();
    const nameBytes = checkName(name);
    const method = options.compress === false ? 0 : 8;
    const { time, date } = dosDateTime(options.modified ?? new Date());
    const offset = this.position;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(UTF8_NAMES, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    // CRC and sizes (14..25) are patched once known
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    await this.write(Buffer.concat([header, nameBytes]));

    let crc = 0;
    let size = 0;
    const dataStart = this.position;
    const counted = async function* (): AsyncGenerator<Buffer> {
      for await (const part of source) {
        const chunk = typeof part === "string" ? Buffer.from(part, "utf8") : part;
        if (chunk.length === 0) continue;
        crc = crc32(chunk, crc);
        size += chunk.length;
        if (size > LIMIT_32) throw new ZipTooLarge();
        yield chunk;
      }
    };
    const sink = async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) await this.write(chunk);
    };
    if (method === 8) await pipeline(Readable.from(counted()), createDeflateRaw({ level: 6 }), sink);
    else await sink(counted());
    const compressedSize = this.position - dataStart;

    const patch = Buffer.alloc(12);
    patch.writeUInt32LE(crc >>> 0, 0);
    patch.writeUInt32LE(compressedSize, 4);
    patch.writeUInt32LE(size, 8);
    await this.file.write(patch, 0, 12, offset + 14);
    this.entries.push({ name: nameBytes, method, time, date, crc: crc >>> 0, compressedSize, size, offset });
  }

  /** Writes the central directory and closes the file. */
  async finish(): Promise<number> {
    if (this.closed) throw new Error("archive already finished");
    try {
      const start = this.position;
      for (const e of this.entries) {
        const h = Buffer.alloc(46);
        h.writeUInt32LE(0x02014b50, 0);
        h.writeUInt16LE(0x031e, 4); // made by: Unix, spec 3.0 (so the mode below is read)
        h.writeUInt16LE(20, 6);
        h.writeUInt16LE(UTF8_NAMES, 8);
        h.writeUInt16LE(e.method, 10);
        h.writeUInt16LE(e.time, 12);
        h.writeUInt16LE(e.date, 14);
        h.writeUInt32LE(e.crc, 16);
        h.writeUInt32LE(e.compressedSize, 20);
        h.writeUInt32LE(e.size, 24);
        h.writeUInt16LE(e.name.length, 28);
        h.writeUInt32LE((0o100644 << 16) >>> 0, 38);
        h.writeUInt32LE(e.offset, 42);
        await this.write(Buffer.concat([h, e.name]));
      }
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(this.entries.length, 8);
      end.writeUInt16LE(this.entries.length, 10);
      end.writeUInt32LE(this.position - start, 12);
      end.writeUInt32LE(start, 16);
      await this.write(end);
      return this.position;
    } finally {
      await this.close();
    }
  }

  /** Closes the file without finishing it (the caller removes it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}
