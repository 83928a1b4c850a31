// The text of an observation's status when its author wrote none: a readable
// sentence built from its tags, so that a Mastodon user (who sees the post, its
// place and its photo, not the structured fields) knows what it is, e.g.
// "Caméra de vidéosurveillance (dôme), opérateur : commune".
//
// The language is the post's (`language`, "fr" or "en"); there is no instance
// language setting, so without one it is French, the language of the
// communes Parvis serves. The table is small on purpose: one label per value the
// vocabulary (tags.ts) allows; free-text values (operator, description) are
// quoted as they are.
import type { ObservationKind } from "../../db/schema";

export type SummaryLanguage = "fr" | "en";

interface Labels {
  type: Record<string, string>;
  cameraType: Record<string, string>;
  zone: Record<string, string>;
  mount: Record<string, string>;
  operatorType: Record<string, string>;
  issue: Record<string, string>;
  operator: string;
  zoneLabel: string;
  mountLabel: string;
  direction: string;
  signage: string;
  signageYes: string;
  signageNo: string;
  controller: string;
  seen: string;
}

const LABELS: Record<SummaryLanguage, Labels> = {
  fr: {
    type: { camera: "Caméra de vidéosurveillance", guard: "Gardiennage", ALPR: "Caméra de lecture de plaques (LAPI)" },
    cameraType: { fixed: "fixe", dome: "dôme", panning: "orientable" },
    zone: { public: "espace public", traffic: "circulation", town: "ville", parking: "parking", shop: "commerce" },
    mount: {
      wall: "mur",
      pole: "poteau",
      ceiling: "plafond",
      street_lamp: "lampadaire",
      building: "bâtiment",
      traffic_signals: "feux de circulation",
      bridge: "pont",
      roof: "toit",
    },
    operatorType: { commune: "commune", state: "État", private: "privé" },
    issue: {
      lighting: "Éclairage public défaillant",
      road: "Chaussée endommagée",
      crossing: "Traversée dangereuse",
      dumping: "Dépôt sauvage",
      other: "Signalement",
    },
    operator: "opérateur : ",
    zoneLabel: "zone filmée : ",
    mountLabel: "fixée sur : ",
    direction: "orientation : ",
    signage: "panneau d’information : ",
    signageYes: "oui",
    signageNo: "non",
    controller: "responsable indiqué : ",
    seen: "vu le ",
  },
  en: {
    type: { camera: "Surveillance camera", guard: "Security guard", ALPR: "Licence plate reader (ALPR)" },
    cameraType: { fixed: "fixed", dome: "dome", panning: "panning" },
    zone: { public: "public space", traffic: "traffic", town: "town", parking: "parking", shop: "shop" },
    mount: {
      wall: "wall",
      pole: "pole",
      ceiling: "ceiling",
      street_lamp: "street lamp",
      building: "building",
      traffic_signals: "traffic signals",
      bridge: "bridge",
      roof: "roof",
    },
    operatorType: { commune: "municipality", state: "State", private: "private" },
    issue: {
      lighting: "Street lighting out of order",
      road: "Damaged road",
      crossing: "Dangerous crossing",
      dumping: "Illegal dumping",
      other: "Civic issue",
    },
    operator: "operator: ",
    zoneLabel: "area filmed: ",
    mountLabel: "mounted on: ",
    direction: "direction: ",
    signage: "sign: ",
    signageYes: "yes",
    signageNo: "no",
    controller: "controller named: ",
    seen: "seen on ",
  },
};

export function summaryLanguage(language: string | null | undefined): SummaryLanguage {
  return language?.toLowerCase().startsWith("en") ? "en" : "fr";
}

/** One line describing the observation from its tags. */
export function describeObservation(kind: ObservationKind, tags: Record<string, string>, language?: string | null): string {
  const l = LABELS[summaryLanguage(language)];
  const parts: string[] = [];
  if (kind === "issue") {
    parts.push(l.issue[tags.issue] ?? l.issue.other);
    if (tags.description) parts.push(tags.description);
  } else {
    let head = l.type[tags["surveillance:type"]] ?? l.type.camera;
    if (tags["camera:type"]) head += ` (${l.cameraType[tags["camera:type"]] ?? tags["camera:type"]})`;
    parts.push(head);
    const operator = tags.operator ?? (tags["operator:type"] ? l.operatorType[tags["operator:type"]] : undefined);
    if (operator) parts.push(l.operator + operator);
    if (tags["surveillance:zone"]) parts.push(l.zoneLabel + (l.zone[tags["surveillance:zone"]] ?? tags["surveillance:zone"]));
    if (tags["camera:mount"]) parts.push(l.mountLabel + (l.mount[tags["camera:mount"]] ?? tags["camera:mount"]));
    if (tags["camera:direction"]) parts.push(l.direction + tags["camera:direction"] + (/^\d/.test(tags["camera:direction"]) ? "°" : ""));
    if (tags["surveillance:signage"]) {
      parts.push(l.signage + (tags["surveillance:signage"] === "yes" ? l.signageYes : l.signageNo));
    }
    if (tags["surveillance:signage:controller"]) parts.push(l.controller + tags["surveillance:signage:controller"]);
    if (tags.description) parts.push(tags.description);
  }
  if (tags.check_date) parts.push(l.seen + tags.check_date);
  return parts.join(", ");
}
