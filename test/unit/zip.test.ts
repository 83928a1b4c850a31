import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ZipWriter } from "../../server/domain/export/zip";

const dir = mkdtempSync(join(tmpdir(), "parvis-zip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the streaming ZIP writer", () => {
  it("writes an archive that unzip tests and extracts byte for byte", async () => {
    const path = join(dir, "a.zip");
    const zip = await ZipWriter.create(path);
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const text = "é,ligne\n".repeat(50_000);
    await zip.add("texte.csv", (function* () {
      for (let i = 0; i < 50_000; i++) yield "é,ligne\n";
    })());
    async function* chunks() {
      for (let i = 0; i < big.length; i += 65536) yield big.subarray(i, i + 65536);
    }
    await zip.add("media_attachments/files/photo.bin", chunks(), { compress: false });
    await zip.add("vide.json", []);
    await zip.add("dossier/élève.txt", ["bonjour"]);
    const size = await zip.finish();
    expect(size).toBeGreaterThan(big.length);
    expect(execFileSync("unzip", ["-tq", path]).toString()).toMatch(/No errors detected/);
    expect(execFileSync("unzip", ["-p", path, "texte.csv"], { maxBuffer: 1 << 26 }).toString()).toBe(text);
    expect(Buffer.compare(execFileSync("unzip", ["-p", path, "media_attachments/files/photo.bin"], { maxBuffer: 1 << 26 }), big)).toBe(0);
    expect(execFileSync("unzip", ["-p", path, "vide.json"]).length).toBe(0);
    const listing = execFileSync("unzip", ["-Z1", path]).toString().trim().split("\n");
    expect(listing).toEqual(["texte.csv", "media_attachments/files/photo.bin", "vide.json", "dossier/élève.txt"]);
    // the text entry was deflated, the binary one stored
    const verbose = execFileSync("unzip", ["-v", path]).toString();
    expect(verbose).toMatch(/Defl:N.*texte\.csv/);
    expect(verbose).toMatch(/Stored.*photo\.bin/);
  });

  it("refuses names that would escape the archive", async () => {
    const zip = await ZipWriter.create(join(dir, "b.zip"));
    for (const name of ["../x", "/etc/passwd", "a//b", "a\\b", ""]) await expect(zip.add(name, ["x"])).rejects.toThrow(/invalid entry name/);
    await zip.close();
  });

  it("a failing source fails the entry (the caller discards the file)", async () => {
    const zip = await ZipWriter.create(join(dir, "c.zip"));
    async function* broken() {
      yield Buffer.from("début");
      throw new Error("disk gone");
    }
    await expect(zip.add("x.txt", broken())).rejects.toThrow("disk gone");
    await zip.close();
  });
});
