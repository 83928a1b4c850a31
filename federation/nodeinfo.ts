// NodeInfo 2.1: what other servers and directories learn about this instance.
import type { NodeInfo } from "@fedify/fedify";
import { and, count, eq, gte, isNull, or, sql } from "drizzle-orm";
import type { Services } from "../server/services";
import { accessTokens, accounts, statuses, users } from "../server/db/schema";
import { getSettings } from "../server/domain/instance";
import { PARVIS_VERSION } from "../server/version";

const DAY_MS = 24 * 60 * 60 * 1000;

export async function buildNodeInfo(services: Services): Promise<NodeInfo> {
  const db = services.db;
  const now = Date.now();
  const [settings, total, activeMonth, activeHalfyear, localPosts] = await Promise.all([
    getSettings(services.domain),
    countUsers(services, null),
    countUsers(services, new Date(now - 30 * DAY_MS)),
    countUsers(services, new Date(now - 180 * DAY_MS)),
    db
      .select({ n: count() })
      .from(statuses)
      .where(and(eq(statuses.local, true), isNull(statuses.reblogOfId)))
      .then((r) => Number(r[0]?.n ?? 0)),
  ]);
  const { commune } = services.config;
  return {
    software: { name: "parvis", version: PARVIS_VERSION },
    protocols: ["activitypub"],
    openRegistrations: settings.registrationMode !== "closed",
    usage: { users: { total, activeMonth, activeHalfyear }, localPosts, localComments: 0 },
    metadata: {
      nodeName: commune.name,
      nodeDescription: settings.description,
      inseeCode: commune.inseeCode ?? null,
      registrationMode: settings.registrationMode,
      federationMode: settings.federationMode,
    },
  };
}

/**
 * Residents who can log in; with `since`, only those active since then
 * (posted, or used a session or token).
 */
async function countUsers(services: Services, since: Date | null): Promise<number> {
  const active = since
    ? or(
        gte(accounts.lastStatusAt, since),
        sql`exists (select 1 from ${accessTokens} where ${accessTokens.userId} = ${users.id} and ${accessTokens.lastUsedAt} >= ${since})`,
      )
    : undefined;
  const [row] = await services.db
    .select({ n: count() })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(and(eq(users.approved, true), isNull(users.disabledAt), isNull(accounts.suspendedAt), active));
  return Number(row?.n ?? 0);
}
