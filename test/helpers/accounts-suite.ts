// Helpers for the accounts/auth/instance API tests: error assertions, row
// counts to prove that a refused request wrote nothing, logins, a real PNG.
import { deflateSync } from "node:zlib";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import type { Response } from "supertest";
import { setSetting } from "../../server/domain/instance";
import type { TestInstance } from "./instance";

/** Strings that must never reach a query, a page or a path unescaped. */
export const INJECTIONS = ["'; drop table accounts; --", "<script>alert(1)</script>", "../../etc/passwd"] as const;

/** The answer is the given 4xx with a JSON body `{"error": "…"}` (never a 500). */
export function expectError(res: Response, status: number, message?: RegExp): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error: expect.any(String) } });
  expect(res.body.error.length).toBeGreaterThan(0);
  if (message) expect(res.body.error).toMatch(message);
}

const COUNTED = ["accounts", "users", "access_tokens", "apps", "settings", "follows", "statuses"] as const;
export type Counts = Record<(typeof COUNTED)[number] | "media_files", number>;

function rows<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Row counts of the tables these tests touch, and the number of stored media files. */
export async function counts(t: TestInstance): Promise<Counts> {
  const out = {} as Counts;
  for (const table of COUNTED) {
    const result = await t.services.db.execute(sql.raw(`select count(*)::int as n from "${table}"`));
    out[table] = Number(rows<{ n: number }>(result)[0]?.n ?? 0);
  }
  out.media_files = mediaFiles(t).length;
  return out;
}

export function mediaFiles(t: TestInstance): string[] {
  const dir = join(t.config.dataDir, "media");
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** The accounts table still exists (after an injection attempt). */
export async function accountsTableIntact(t: TestInstance): Promise<boolean> {
  const result = await t.services.db.execute(sql.raw(`select to_regclass('accounts') is not null as ok`));
  return Boolean(rows<{ ok: boolean }>(result)[0]?.ok);
}

/** The password createResident gives every resident. */
export const PASSWORD = "correct horse battery";

/** OAuth password grant, form-encoded as Mastodon apps send it. */
export function passwordGrant(t: TestInstance, username: string, password = PASSWORD, extra: Record<string, string> = {}) {
  return t.http.post("/oauth/token").type("form").send({ grant_type: "password", username, password, ...extra });
}

export async function setRegistrationMode(t: TestInstance, mode: "open" | "approval" | "closed"): Promise<void> {
  await setSetting(t.services.domain, "registration_mode", mode);
}

/** A valid 2×2 RGB PNG, built byte by byte (signature, IHDR, IDAT, IEND with CRCs). */
export function pngBytes(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const pixels = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A JSON body just over the 256 kB limit. */
export function oversizedJson(): string {
  return JSON.stringify({ username: "x", padding: "a".repeat(300 * 1024) });
}

/** Cookies set by a response, by name, with their attributes (lower-cased). */
export function cookiesOf(res: Response): Map<string, { value: string; attributes: string[] }> {
  const raw = res.headers["set-cookie"] as unknown as string[] | undefined;
  const map = new Map<string, { value: string; attributes: string[] }>();
  for (const line of raw ?? []) {
    const [pair, ...attributes] = line.split(";").map((s) => s.trim());
    const i = pair.indexOf("=");
    map.set(pair.slice(0, i), { value: decodeURIComponent(pair.slice(i + 1)), attributes: attributes.map((a) => a.toLowerCase()) });
  }
  return map;
}
