// Writing media files so that nothing half-written is ever visible: each file
// goes to a temporary name first and is renamed into place; on any failure
// every file of the batch (temporary or renamed) is removed.
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface FileToWrite {
  name: string;
  bytes: Buffer;
}

export async function writeFilesAtomically(dir: string, files: FileToWrite[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  try {
    for (const file of files) {
      const temp = join(dir, `.tmp-${randomBytes(8).toString("hex")}-${file.name}`);
      written.push(temp);
      await writeFile(temp, file.bytes, { mode: 0o644, flag: "wx" });
      await rename(temp, join(dir, file.name));
      written.push(join(dir, file.name));
    }
  } catch (err) {
    await removeFiles(written);
    throw err;
  }
}

/** Removes files, ignoring the ones already gone. */
export async function removeFiles(paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true })));
}
