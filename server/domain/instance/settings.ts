// Instance-wide settings that admins change at run time. The environment gives
// the defaults; a value stored in the database wins.
import { asc, eq } from "drizzle-orm";
import { createHash } from "node:crypto";
import { z } from "zod";
import { instanceRules, settings } from "../../db/schema";
import { newId } from "../../ids";
import type { DomainContext } from "../context";

/** An open-data licence: an SPDX identifier ("ODbL-1.0", "etalab-2.0") or a URL, printable ASCII (it is sent in a header too). */
export const OPEN_DATA_LICENSE_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
/** Open Database License: what OpenStreetMap uses, so that observations and OSM data mix. */
export const DEFAULT_OPEN_DATA_LICENSE = "ODbL-1.0";

const settingSchemas = {
  registration_mode: z.enum(["open", "approval", "closed"]),
  federation_mode: z.enum(["open", "allowlist"]),
  description: z.string().max(5000),
  charter: z.string().max(20000),
  contact_email: z.string().max(320),
  trends_review: z.boolean(),
  group_creation: z.enum(["everyone", "admins"]),
  moderation_log_anonymise: z.boolean(),
  data_controller: z.string().max(2000),
  open_data_license: z.string().regex(OPEN_DATA_LICENSE_PATTERN).max(200),
  open_data_attribution: z.string().max(1000),
  map_center: z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]).nullable(),
  map_zoom: z.number().int().min(0).max(19),
};

export type SettingKey = keyof typeof settingSchemas;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingSchemas)[K]>;

export interface InstanceSettings {
  registrationMode: "open" | "approval" | "closed";
  federationMode: "open" | "allowlist";
  description: string;
  charter: string;
  contactEmail: string;
  /** trends show only once an admin approved them */
  trendsReview: boolean;
  /** who may create groups: every resident, or the instance's admins only */
  groupCreation: "everyone" | "admins";
  /** the public moderation log hides the names of this instance's residents (default) */
  moderationLogAnonymise: boolean;
  /** who is responsible for the processing of personal data (the commune): name, address, contact; shown on the privacy page */
  dataController: string;
  /** the licence of the observations published as open data (GeoJSON, CSV) */
  openDataLicense: string;
  /** the attribution re-users must give; empty: the commune's contributors on this instance */
  openDataAttribution: string;
  /** where the map opens: the commune's centre [latitude, longitude], or null (the whole world) */
  mapCenter: [number, number] | null;
  mapZoom: number;
}

export async function getSettings(ctx: DomainContext): Promise<InstanceSettings> {
  const rows = await ctx.db.select().from(settings);
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const read = <K extends SettingKey>(key: K, fallback: SettingValue<K>): SettingValue<K> => {
    const parsed = settingSchemas[key].safeParse(stored.get(key));
    return parsed.success ? (parsed.data as SettingValue<K>) : fallback;
  };
  return {
    registrationMode: read("registration_mode", ctx.config.registrationMode),
    federationMode: read("federation_mode", ctx.config.federationMode),
    description: read("description", ctx.config.commune.description),
    charter: read("charter", ""),
    contactEmail: read("contact_email", ctx.config.commune.contactEmail ?? ""),
    trendsReview: read("trends_review", false),
    groupCreation: read("group_creation", "everyone"),
    moderationLogAnonymise: read("moderation_log_anonymise", true),
    dataController: read("data_controller", ""),
    openDataLicense: read("open_data_license", DEFAULT_OPEN_DATA_LICENSE),
    openDataAttribution: read("open_data_attribution", ""),
    mapCenter: read("map_center", null),
    mapZoom: read("map_zoom", 13),
  };
}

export async function setSetting<K extends SettingKey>(ctx: DomainContext, key: K, value: SettingValue<K>): Promise<void> {
  const parsed = settingSchemas[key].parse(value);
  // null (the map's centre cleared) is no stored value: the default again
  if (parsed === null) {
    await ctx.db.delete(settings).where(eq(settings.key, key));
    return;
  }
  await ctx.db
    .insert(settings)
    .values({ key, value: parsed })
    .onConflictDoUpdate({ target: settings.key, set: { value: parsed, updatedAt: new Date() } });
}

export async function listRules(ctx: DomainContext) {
  return ctx.db.select().from(instanceRules).orderBy(asc(instanceRules.position), asc(instanceRules.id));
}

export async function removeRule(ctx: DomainContext, id: string): Promise<void> {
  await ctx.db.delete(instanceRules).where(eq(instanceRules.id, id));
}

export async function addRule(ctx: DomainContext, text: string, hint = ""): Promise<typeof instanceRules.$inferSelect> {
  const existing = await listRules(ctx);
  const [row] = await ctx.db
    .insert(instanceRules)
    .values({ id: newId(), text: text.trim(), hint: hint.trim(), position: existing.length })
    .returning();
  return row;
}

export async function updateRule(ctx: DomainContext, id: string, change: { text?: string; hint?: string }): Promise<typeof instanceRules.$inferSelect> {
  const set: { text?: string; hint?: string } = {};
  if (change.text !== undefined) set.text = change.text.trim();
  if (change.hint !== undefined) set.hint = change.hint.trim();
  if (!set.text && set.hint === undefined) {
    const [row] = await ctx.db.select().from(instanceRules).where(eq(instanceRules.id, id));
    return row;
  }
  const [row] = await ctx.db.update(instanceRules).set(set).where(eq(instanceRules.id, id)).returning();
  return row;
}

/**
 * SHA-256 (hex) of the charter and the rules' texts as a resident is shown them:
 * the UTF-8 of JSON.stringify({ charter, rules: [text…] }) with rules in display
 * order. Stored with a registration, it tells which version was accepted.
 */
export async function charterDigest(ctx: DomainContext): Promise<string> {
  const [s, rules] = await Promise.all([getSettings(ctx), listRules(ctx)]);
  return createHash("sha256")
    .update(JSON.stringify({ charter: s.charter, rules: rules.map((r) => r.text) }), "utf8")
    .digest("hex");
}
