// Small helpers shared by the API tests: counting rows (to prove nothing was
// written), ids of a list answer, a tiny image for media, Link header parsing.
import { sql } from "drizzle-orm";
import { uploadMedia, type Media } from "../../server/domain/media";
import { rowsOf } from "../../server/domain/visibility";
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

/** The smallest thing uploadMedia accepts: PNG signature and a few bytes. */
export async function createMedia(t: TestInstance, owner: Resident): Promise<Media> {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);
  return uploadMedia(t.services.domain, owner.account.id, png, null);
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
