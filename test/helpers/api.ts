// Small helpers shared by the API tests: counting rows (to prove nothing was
// written), ids of a list answer, a tiny image for media, Link header parsing.
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { uploadMedia, type Media } from "../../server/domain/media";
import { rowsOf } from "../../server/db/rows";
import type { Resident } from "./factories";
import type { TestInstance } from "./instance";

/** Number of rows in a table (the name is ours, never user input). */
export async function countRows(t: TestInstance, table: string): Promise<number> {
  const result = await t.services.db.execute(sql.raw(`select count(*)::int as n from "${table}"`));
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

export function idsOf(body: unknown): string[] {
  if (!Array.isArray(body)) throw new Error(`expected a list, got ${JSON.stringify(body)}`);
  return body.map((item: { id: string }) => item.id);
}

/** A real (small) PNG, as uploadMedia decodes and re-encodes what it is given. */
export async function createMedia(t: TestInstance, owner: Resident, description: string | null = null): Promise<Media> {
  const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: "#3366cc" } }).png().toBuffer();
  return uploadMedia(t.services.domain, owner.account.id, png, description);
}

/** Parses a Link header into { next, prev } URLs (path and query only). */
export function parseLink(header: string | undefined): { next?: string; prev?: string } {
  const out: { next?: string; prev?: string } = {};
  if (!header) return out;
  for (const part of header.split(",")) {
    const m = part.match(/<([^>]+)>;\s*rel="(next|prev)"/);
    if (m) {
      const u = new URL(m[1]);
      out[m[2] as "next" | "prev"] = u.pathname + u.search;
    }
  }
  return out;
}
