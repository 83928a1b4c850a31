// Instance-wide settings that admins change at run time. The environment gives
// the defaults; a value stored in the database wins.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { instanceRules, settings } from "../../db/schema";
import { newId } from "../../ids";
import type { DomainContext } from "../context";

const settingSchemas = {
  registration_mode: z.enum(["open", "approval", "closed"]),
  federation_mode: z.enum(["open", "allowlist"]),
  description: z.string().max(5000),
  charter: z.string().max(20000),
  contact_email: z.string().max(320),
  trends_review: z.boolean(),
  group_creation: z.enum(["everyone", "admins"]),
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
  };
}

export async function setSetting<K extends SettingKey>(ctx: DomainContext, key: K, value: SettingValue<K>): Promise<void> {
  const parsed = settingSchemas[key].parse(value);
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
