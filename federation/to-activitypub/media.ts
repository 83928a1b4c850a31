// Attachments as Mastodon sends them: a Document with its blurhash and focal
// point (terms Fedify's vocabulary lacks, added to the JSON-LD it writes).
import { Document } from "@fedify/vocab";

export interface AttachmentForObject {
  url: string;
  mediaType: string | null;
  /** alt text */
  description: string | null;
  width: number | null;
  height: number | null;
  blurhash: string | null;
  /** Mastodon's focal point, x and y in [-1, 1] */
  focus?: { x: number; y: number } | null;
  /** "image", "video", "audio"… */
  type: string;
}

const TOOT = "http://joinmastodon.org/ns#";

/**
 * A Document that also carries Mastodon's `blurhash` and `focalPoint`, which
 * Fedify 2.3.6's vocabulary does not define: they are added to the JSON-LD it
 * writes (expanded form, or compact form with the terms in the attachment's
 * own @context). A Note (it has content) is always compacted against Fedify's
 * fixed context, which has the `toot:` prefix but not these terms: they are then
 * written `toot:blurhash` / `toot:focalPoint` (on the wire, after Fedify's
 * normalization, the full IRIs) — Mastodon's own IRIs, read by JSON-LD
 * processors and by Parvis, not by Mastodon's plain-key reader (docs/federation.md).
 */
export class MediaDocument extends Document {
  readonly extras: { blurhash: string | null; focalPoint: [number, number] | null };

  constructor(values: ConstructorParameters<typeof Document>[0], extras: { blurhash: string | null; focalPoint: [number, number] | null }) {
    super(values);
    this.extras = extras;
  }

  override async toJsonLd(options: Parameters<Document["toJsonLd"]>[0] = {}): Promise<unknown> {
    const json = await super.toJsonLd(options);
    const { blurhash, focalPoint } = this.extras;
    if (!blurhash && !focalPoint) return json;
    if (options.format === "expand" && Array.isArray(json) && json[0] && typeof json[0] === "object") {
      const node = json[0] as Record<string, unknown>;
      if (blurhash) node[`${TOOT}blurhash`] = [{ "@value": blurhash }];
      if (focalPoint) node[`${TOOT}focalPoint`] = [{ "@list": focalPoint.map((v) => ({ "@value": v })) }];
      return json;
    }
    if (options.format == null && json && typeof json === "object" && !Array.isArray(json)) {
      const node = json as Record<string, unknown>;
      const context = Array.isArray(node["@context"]) ? node["@context"] : node["@context"] ? [node["@context"]] : [];
      node["@context"] = [...context, { toot: TOOT, blurhash: "toot:blurhash", focalPoint: { "@container": "@list", "@id": "toot:focalPoint" } }];
      if (blurhash) node.blurhash = blurhash;
      if (focalPoint) node.focalPoint = focalPoint;
    }
    return json;
  }
}

export function positive(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null;
}

export function focusOf(value: unknown): { x: number; y: number } | null {
  const f = value as { x?: unknown; y?: unknown } | null | undefined;
  return f && typeof f.x === "number" && typeof f.y === "number" ? { x: f.x, y: f.y } : null;
}

export function attachmentToDocument(a: AttachmentForObject): Document {
  const values = {
    url: new URL(a.url),
    mediaType: a.mediaType,
    name: a.description || null,
    width: a.width,
    height: a.height,
  };
  // Mastodon sends every attachment as a Document; so do we, with its blurhash and focal point.
  return new MediaDocument(values, { blurhash: a.blurhash, focalPoint: a.focus ? [a.focus.x, a.focus.y] : null });
}
