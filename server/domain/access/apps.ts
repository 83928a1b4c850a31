// OAuth client applications registered by third-party apps.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { apps } from "../../db/schema";
import { newId } from "../../ids";
import type { DomainContext } from "../context";

export type App = typeof apps.$inferSelect;

export async function createApp(
  ctx: DomainContext,
  input: { name: string; redirectUris: string[]; scopes: string; website: string | null },
): Promise<App> {
  const [row] = await ctx.db
    .insert(apps)
    .values({
      id: newId(),
      name: input.name,
      redirectUris: input.redirectUris,
      scopes: input.scopes,
      website: input.website,
      clientId: randomBytes(24).toString("base64url"),
      clientSecret: randomBytes(32).toString("base64url"),
    })
    .returning();
  return row;
}

export async function findAppByClientId(ctx: DomainContext, clientId: string): Promise<App | undefined> {
  const [row] = await ctx.db.select().from(apps).where(eq(apps.clientId, clientId));
  return row;
}

export async function getApp(ctx: DomainContext, id: string): Promise<App | undefined> {
  const [row] = await ctx.db.select().from(apps).where(eq(apps.id, id));
  return row;
}
