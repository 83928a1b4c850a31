// Builds a resident's archive: read from the database page by page and
// written entry by entry into a ZIP file, so memory stays flat whatever the
// number of posts or the size of the media.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { and, asc, count, eq, gt, inArray, isNotNull } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { accounts, blocks, bookmarks, favourites, follows, mediaAttachments, mentions, mutes, statusTags, statuses, tags } from "../../db/schema";
import { NotFound } from "../../errors";
import { localUrls } from "../../urls";
import type { DomainContext } from "../context";
import { mediaDir } from "../media/attachments";
import { AS_CONTEXT, actorDocument, archiveMediaPath, statusActivity } from "./activitystreams";
import { csvLine } from "./csv";
import { ZipWriter } from "./zip";

const PAGE = 500;
/** file names as media uploads store them (anything else is not ours to read) */
const STORED_NAME = /^\d{1,20}(-small)?\.(png|jpg|gif|webp|pdf)$/;

export interface ArchiveProgress {
  (step: string, done: number, total: number): Promise<void>;
}

/** Pages of rows by ascending id, until a short page. */
async function* pages<T extends { id: string }>(fetch: (after: string | null) => Promise<T[]>): AsyncGenerator<T[]> {
  let after: string | null = null;
  for (;;) {
    const rows = await fetch(after);
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].id;
  }
}

const after = (column: AnyPgColumn, id: string | null) => (id ? gt(column, id) : undefined);

/** A JSON document whose `orderedItems` are produced page by page. */
async function* orderedCollection(id: string, items: AsyncIterable<unknown[]>, totalItems: number): AsyncGenerator<string> {
  yield `{"@context":${JSON.stringify(AS_CONTEXT)},"id":${JSON.stringify(id)},"type":"OrderedCollection","totalItems":${totalItems},"orderedItems":[`;
  let first = true;
  for await (const page of items) {
    if (page.length === 0) continue;
    yield (first ? "" : ",") + page.map((item) => JSON.stringify(item)).join(",");
    first = false;
  }
  yield "]}";
}

export async function writeArchive(ctx: DomainContext, accountId: string, path: string, progress: ArchiveProgress): Promise<number> {
  const db = ctx.db;
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account || account.domain !== null) throw new NotFound();
  const urls = localUrls(ctx.config.origin);
  const address = (a: { username: string; domain: string | null }) => `${a.username}@${a.domain ?? ctx.config.domain}`;
  const dir = mediaDir(ctx);

  const [{ n: statusCount }] = await db.select({ n: count() }).from(statuses).where(eq(statuses.accountId, accountId));
  const [{ n: mediaCount }] = await db
    .select({ n: count() })
    .from(mediaAttachments)
    .where(and(eq(mediaAttachments.accountId, accountId), isNotNull(mediaAttachments.fileName)));
  const total = statusCount + mediaCount;
  let done = 0;

  const zip = await ZipWriter.create(path);
  try {
    // the profile, with its pictures alongside
    const pictures: { avatar?: string; header?: string } = {};
    const pictureFiles: [string, string][] = [];
    for (const [key, name] of [["avatar", account.avatarUrl], ["header", account.headerUrl]] as const) {
      if (name && STORED_NAME.test(name)) {
        pictures[key] = `${key}${name.slice(name.lastIndexOf("."))}`;
        pictureFiles.push([pictures[key]!, name]);
      }
    }
    await zip.add("actor.json", [JSON.stringify(actorDocument(account, pictures), null, 2)]);
    for (const [entry, name] of pictureFiles) await addFile(zip, entry, join(dir, name));

    await progress("statuses", done, total);
    const statusPages = async function* () {
      for await (const rows of pages((id) =>
        db.select().from(statuses).where(and(eq(statuses.accountId, accountId), after(statuses.id, id))).orderBy(asc(statuses.id)).limit(PAGE),
      )) {
        const ids = rows.map((s) => s.id);
        const related = [...new Set(rows.flatMap((s) => [s.inReplyToId, s.reblogOfId]).filter((x): x is string => Boolean(x)))];
        const [mentionRows, tagRows, mediaRows, relatedRows] = await Promise.all([
          db
            .select({ statusId: mentions.statusId, uri: accounts.uri, username: accounts.username, domain: accounts.domain })
            .from(mentions)
            .innerJoin(accounts, eq(accounts.id, mentions.accountId))
            .where(inArray(mentions.statusId, ids)),
          db.select({ statusId: statusTags.statusId, name: tags.name }).from(statusTags).innerJoin(tags, eq(tags.id, statusTags.tagId)).where(inArray(statusTags.statusId, ids)),
          db.select().from(mediaAttachments).where(inArray(mediaAttachments.statusId, ids)).orderBy(asc(mediaAttachments.position), asc(mediaAttachments.id)),
          related.length ? db.select({ id: statuses.id, uri: statuses.uri }).from(statuses).where(inArray(statuses.id, related)) : Promise.resolve([]),
        ]);
        const uriOf = new Map(relatedRows.map((r) => [r.id, r.uri]));
        const items = rows.map((s) =>
          statusActivity(
            account,
            s,
            {
              mentioned: mentionRows.filter((m) => m.statusId === s.id).map((m) => ({ uri: m.uri, acct: address(m) })),
              tags: tagRows.filter((t) => t.statusId === s.id).map((t) => t.name),
              media: mediaRows.filter((m) => m.statusId === s.id),
              inReplyTo: (s.inReplyToId && uriOf.get(s.inReplyToId)) || s.inReplyToUri || null,
              reblogOf: s.reblogOfId ? (uriOf.get(s.reblogOfId) ?? null) : null,
            },
            urls.tagPage,
          ),
        );
        done += rows.length;
        await progress("statuses", done, total);
        yield items;
      }
    };
    await zip.add("outbox.json", orderedCollection("outbox.json", statusPages(), statusCount));

    const uriPages = async function* (table: typeof favourites | typeof bookmarks) {
      for await (const rows of pages((id) =>
        db
          .select({ id: table.id, uri: statuses.uri })
          .from(table)
          .innerJoin(statuses, eq(statuses.id, table.statusId))
          .where(and(eq(table.accountId, accountId), after(table.id, id)))
          .orderBy(asc(table.id))
          .limit(PAGE),
      ))
        yield rows.map((r) => r.uri);
    };
    const [{ n: likeCount }] = await db.select({ n: count() }).from(favourites).where(eq(favourites.accountId, accountId));
    const [{ n: bookmarkCount }] = await db.select({ n: count() }).from(bookmarks).where(eq(bookmarks.accountId, accountId));
    await zip.add("likes.json", orderedCollection("likes.json", uriPages(favourites), likeCount));
    await zip.add("bookmarks.json", orderedCollection("bookmarks.json", uriPages(bookmarks), bookmarkCount));
    // Mastodon's bookmarks.csv: one URL a line, no header
    await zip.add(
      "bookmarks.csv",
      (async function* () {
        for await (const uris of uriPages(bookmarks)) yield uris.map((u) => csvLine([u])).join("");
      })(),
    );

    // Mastodon's CSV exports, with its headers (blocks have none there either)
    await zip.add(
      "following_accounts.csv",
      (async function* () {
        yield csvLine(["Account address", "Show boosts", "Notify on new posts", "Languages"]);
        for await (const rows of pages((id) =>
          db
            .select({ id: follows.id, username: accounts.username, domain: accounts.domain, showReblogs: follows.showReblogs, notify: follows.notify })
            .from(follows)
            .innerJoin(accounts, eq(accounts.id, follows.targetAccountId))
            .where(and(eq(follows.accountId, accountId), after(follows.id, id)))
            .orderBy(asc(follows.id))
            .limit(PAGE),
        ))
          yield rows.map((r) => csvLine([address(r), String(r.showReblogs), String(r.notify), ""])).join("");
      })(),
    );
    await zip.add(
      "followers.csv",
      (async function* () {
        yield csvLine(["Account address"]);
        for await (const rows of pages((id) =>
          db
            .select({ id: follows.id, username: accounts.username, domain: accounts.domain })
            .from(follows)
            .innerJoin(accounts, eq(accounts.id, follows.accountId))
            .where(and(eq(follows.targetAccountId, accountId), after(follows.id, id)))
            .orderBy(asc(follows.id))
            .limit(PAGE),
        ))
          yield rows.map((r) => csvLine([address(r)])).join("");
      })(),
    );
    await zip.add(
      "blocked_accounts.csv",
      (async function* () {
        for await (const rows of pages((id) =>
          db
            .select({ id: blocks.id, username: accounts.username, domain: accounts.domain })
            .from(blocks)
            .innerJoin(accounts, eq(accounts.id, blocks.targetAccountId))
            .where(and(eq(blocks.accountId, accountId), after(blocks.id, id)))
            .orderBy(asc(blocks.id))
            .limit(PAGE),
        ))
          yield rows.map((r) => csvLine([address(r)])).join("");
      })(),
    );
    await zip.add(
      "muted_accounts.csv",
      (async function* () {
        yield csvLine(["Account address", "Hide notifications"]);
        for await (const rows of pages((id) =>
          db
            .select({ id: mutes.id, username: accounts.username, domain: accounts.domain, hide: mutes.hideNotifications })
            .from(mutes)
            .innerJoin(accounts, eq(accounts.id, mutes.targetAccountId))
            .where(and(eq(mutes.accountId, accountId), after(mutes.id, id)))
            .orderBy(asc(mutes.id))
            .limit(PAGE),
        ))
          yield rows.map((r) => csvLine([address(r), String(r.hide)])).join("");
      })(),
    );

    // the media files last: the bulk of the archive, stored as they are
    await progress("media", done, total);
    for await (const rows of pages((id) =>
      db
        .select({ id: mediaAttachments.id, fileName: mediaAttachments.fileName })
        .from(mediaAttachments)
        .where(and(eq(mediaAttachments.accountId, accountId), isNotNull(mediaAttachments.fileName), after(mediaAttachments.id, id)))
        .orderBy(asc(mediaAttachments.id))
        .limit(PAGE),
    )) {
      for (const m of rows) {
        if (m.fileName && STORED_NAME.test(m.fileName)) await addFile(zip, archiveMediaPath(m.fileName), join(dir, m.fileName));
        done++;
        if (done % 50 === 0) await progress("media", done, total);
      }
    }
    await progress("media", done, total);
    return await zip.finish();
  } catch (error) {
    await zip.close();
    throw error;
  }
}

/** Adds a stored file, as is; a file missing from disk is left out rather than failing the archive. */
async function addFile(zip: ZipWriter, entry: string, path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return;
  await zip.add(entry, createReadStream(path, { highWaterMark: 256 * 1024 }), { compress: false, modified: info.mtime });
}
