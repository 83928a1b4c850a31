// The small commune of bench/footprint.ts (and of the cold-statistics test): residents
// through registerAccount, follows and posts by bulk SQL as a busy first month would
// leave them, and no ANALYZE afterwards — what a growing instance looks like to a
// planner that was never told.
import { sql } from "drizzle-orm";
import { issueToken } from "../../server/auth/tokens";
import type { Db } from "../../server/db/open";
import { registerAccount } from "../../server/domain/accounts";
import type { DomainContext } from "../../server/domain/context";

export interface SmallCommune {
  residents: number;
  follows: number;
  posts: number;
}

export const SMALL_COMMUNE: SmallCommune = { residents: 50, follows: 1000, posts: 4000 };

export interface Resident {
  accountId: string;
  token: string;
}

async function exec(db: Db, query: string): Promise<void> {
  await db.execute(sql.raw(query));
}

/** A uniform value in [0, 1) from a row number and a salt, the same on every PostgreSQL. */
function u(expr: string, salt: number): string {
  return `((hashint4(((${expr}) * 16 + ${salt})::int)::bigint + 2147483648) / 4294967296.0)`;
}

/** Seeds the commune; returns its residents with an access token each. */
export async function seedSmallCommune(ctx: DomainContext, db: Db, size: SmallCommune = SMALL_COMMUNE): Promise<Resident[]> {
  const N = size.residents;
  const residents: Resident[] = [];
  for (let i = 0; i < N; i++) {
    const r = await registerAccount(ctx, { username: `r${String(i).padStart(3, "0")}`, password: "bench password", force: true, role: "resident" });
    const { accessToken } = await issueToken(ctx, { userId: r.user.id, userAgent: "bench/footprint" });
    residents.push({ accountId: r.account.id, token: accessToken });
  }
  const idArray = `array[${residents.map((r) => r.accountId).join(",")}]::bigint[]`;
  const perResident = Math.min(N - 1, Math.max(1, Math.ceil(size.follows / N)));
  const now = Date.now();
  const idExpr = (ms: string, seq: string) => `(((${ms})::bigint << 16) | ((${seq})::bigint & 65535))`;
  // resident i follows the next `perResident` residents (wrapping), up to size.follows in all
  await exec(
    db,
    `insert into follows (id, account_id, target_account_id, created_at)
     select ${idExpr(`${now - 86_400_000} + g`, "g")}, (${idArray})[1 + g / ${perResident}], (${idArray})[1 + (g / ${perResident} + 1 + g % ${perResident}) % ${N}], now()
     from generate_series(0, ${Math.min(size.follows, N * perResident) - 1}) g`,
  );
  const postsStart = now - 30 * 86_400_000;
  const span = 30 * 86_400_000 - 60_000;
  const ms = `(${postsStart} + floor(g::float8 * ${span} / ${size.posts}))`;
  // authors skewed (a few residents post a lot); 85% public, 10% unlisted, 5% private
  await exec(
    db,
    `insert into statuses (id, uri, url, account_id, content, text, visibility, language, local, created_at, updated_at)
     select s.id, 'http://bench.invalid/statuses/' || s.id, null, (${idArray})[1 + floor(power(s.a, 1.5) * ${N})::int],
            '<p>Message ' || s.g || ' : rendez-vous samedi sur la place du marché.</p>', 'Message ' || s.g || ' : rendez-vous samedi sur la place du marché.',
            case when s.v < 0.85 then 'public' when s.v < 0.95 then 'unlisted' else 'private' end, 'fr', true, s.at, s.at
     from (select g, ${idExpr(ms, "g")} as id, to_timestamp(${ms} / 1000.0) as at, ${u("g", 1)} as a, ${u("g", 2)} as v
           from generate_series(0, ${size.posts - 1}) g) s`,
  );
  return residents;
}
