// An observation's structured fields on its Note (docs/federation.md
// "Observations"): one JSON-LD term, `observation`, in the Parvis namespace
// of the instance (`<origin>/ns/parvis#`, whose context document GET
// /ns/parvis serves), holding a JSON literal (`@type: @json`):
//   { kind, tags, state, lastSeenAt, confirmationsCount, updatedAt }
// Fedify 2.3.6's vocabulary has no room for it: ObservationNote adds it to
// the JSON-LD the Note writes, as MediaDocument does for Mastodon's blurhash.
// Fedify compacts outgoing activities against its own context, so on the wire
// the term is written as its full IRI with the literal as `{"type": "@json",
// "@value": {...}}` ("type" is Fedify's alias of "@type");
// from-activitypub/observation.ts reads every form.
import { Note } from "@fedify/vocab";

/** Where the context document is served, on every Parvis instance. */
export const PARVIS_CONTEXT_PATH = "/ns/parvis";

/** The Parvis namespace of an instance: its terms are `<origin>/ns/parvis#<term>`. */
export function parvisNamespace(origin: string): string {
  return `${origin}${PARVIS_CONTEXT_PATH}#`;
}

/** The JSON-LD context document served at /ns/parvis (application/ld+json). */
export function parvisContextDocument(origin: string): Record<string, unknown> {
  const ns = parvisNamespace(origin);
  return {
    "@context": {
      parvis: ns,
      observation: { "@id": "parvis:observation", "@type": "@json" },
    },
  };
}

export interface ObservationForObject {
  kind: string;
  tags: Record<string, string>;
  state: string;
  lastSeenAt: Date;
  confirmationsCount: number;
  updatedAt: Date;
}

/** The JSON literal the `observation` term holds. */
export function observationLiteral(o: ObservationForObject): Record<string, unknown> {
  return {
    kind: o.kind,
    tags: o.tags,
    state: o.state,
    lastSeenAt: o.lastSeenAt.toISOString(),
    confirmationsCount: o.confirmationsCount,
    updatedAt: o.updatedAt.toISOString(),
  };
}

/** A Note that also carries an observation's fields (the extension above). */
export class ObservationNote extends Note {
  readonly observation: { namespace: string; literal: Record<string, unknown> };

  constructor(values: ConstructorParameters<typeof Note>[0], observation: { namespace: string; literal: Record<string, unknown> }) {
    super(values);
    this.observation = observation;
  }

  override async toJsonLd(options: Parameters<Note["toJsonLd"]>[0] = {}): Promise<unknown> {
    const json = await super.toJsonLd(options);
    const { namespace, literal } = this.observation;
    if (options.format === "expand" && Array.isArray(json) && json[0] && typeof json[0] === "object") {
      (json[0] as Record<string, unknown>)[`${namespace}observation`] = [{ "@type": "@json", "@value": literal }];
      return json;
    }
    if (options.format == null && json && typeof json === "object" && !Array.isArray(json)) {
      const node = json as Record<string, unknown>;
      const context = Array.isArray(node["@context"]) ? node["@context"] : node["@context"] ? [node["@context"]] : [];
      node["@context"] = [...context, { parvis: namespace, observation: { "@id": "parvis:observation", "@type": "@json" } }];
      node.observation = literal;
    }
    return json;
  }
}
