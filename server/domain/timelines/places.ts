// Posts with a place inside a bounding box, as one viewer may see them: what
// the map shows (GET /api/parvis/places). The rules are the timelines': the
// visibility rule (public and unlisted for a visitor; followers-only, mentions
// and a group's posts for those they are meant for), blocks, mutes, suspended
// and silenced authors. Reblogs carry no place of their own and are left out.
import { and, isNotNull, isNull, type SQL } from "drizzle-orm";
import { statuses } from "../../db/schema";
import { Invalid } from "../../errors";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import type { Status } from "../statuses/local";
import { inBoundingBox, type BoundingBox } from "../places/place";
import { notHidden } from "./timelines";
import { authorNotSilenced } from "../visibility/moderation";
import { visibleTo } from "../visibility/visibility";


const DECIMAL = /^[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})$/;

/** "minLon,minLat,maxLon,maxLat" (the order of GeoJSON and of OpenStreetMap's API); Invalid otherwise. */
export function parseBoundingBox(text: unknown): BoundingBox {
  if (typeof text !== "string" || text.length > 200) throw new Invalid("bbox must be minLon,minLat,maxLon,maxLat");
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length !== 4 || !parts.every((p) => DECIMAL.test(p))) throw new Invalid("bbox must be minLon,minLat,maxLon,maxLat");
  const [minLon, minLat, maxLon, maxLat] = parts.map(Number);
  if ([minLon, maxLon].some((n) => n < -180 || n > 180) || [minLat, maxLat].some((n) => n < -90 || n > 90)) {
    throw new Invalid("bbox is out of range (longitudes -180..180, latitudes -90..90)");
  }
  if (minLat > maxLat) throw new Invalid("bbox: minLat is greater than maxLat");
  return { minLon, minLat, maxLon, maxLat };
}

function inBox(box: BoundingBox): SQL {
  return and(isNotNull(statuses.placeLatitude), inBoundingBox(statuses.placeLatitude, statuses.placeLongitude, box))!;
}

/** A page of the statuses with a place in `box` that the viewer may see, newest first (Mastodon's id pagination). */
export async function placedStatuses(ctx: DomainContext, viewerId: string | null, box: BoundingBox, params: PageParams): Promise<Status[]> {
  const q = pageQuery(statuses.id, params);
  const rows = await ctx.db
    .select()
    .from(statuses)
    .where(
      and(
        inBox(box),
        isNull(statuses.reblogOfId),
        visibleTo(viewerId),
        notHidden(viewerId),
        authorNotSilenced(statuses.accountId, viewerId),
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(params.limit);
  return finishPage(rows, q);
}
