// Home timeline and posting benchmark: seeds a commune-sized instance on
// PostgreSQL and on PGlite, starts a real Parvis on each and measures over HTTP,
// next to the raw time of the same homeTimeline() query in the same run (the baseline).
//
//   npm run bench:timeline                      full size, both databases (~10 min here)
//   BENCH_DB=pglite BENCH_POSTS=20000 BENCH_REQUESTS=300 npm run bench:timeline
//
// Figures go to stdout (Markdown) and, for full-size runs or BENCH_DOCS=1, to the
// "Home timeline and posting" section of docs/performance.md.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { issueToken } from "../server/auth/tokens";
import { hashPassword } from "../server/domain/accounts";
import type { Config } from "../server/config";
import { openDatabase, type Database, type Db } from "../server/db/open";
import { registerAccount } from "../server/domain/accounts";
import type { DomainContext } from "../server/domain/context";
import { homeTimeline } from "../server/domain/timelines";
import { rowsOf } from "../server/db/rows";
import { createInstance } from "../server/instance";
import { createLogger } from "../server/logger";
import { defaultModules } from "../server/modules";
import { runLoad, type LoadRequest, type LoadResult } from "./lib/http-load";
import { machineInfo, summarize, updateDocSection, type Summary } from "./lib/perf-report";
import { cleanUpOnInterrupt, cleanups, prepareBenchSite } from "./lib/throwaway";

// ── parameters ──────────────────────────────────────────────────────────────

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

const DEFAULTS = { accounts: 1000, posts: 200_000, follows: 200, requests: 2000, postings: 500, concurrency: 8 };
const params = {
  accounts: intEnv("BENCH_ACCOUNTS", DEFAULTS.accounts, 10),
  posts: intEnv("BENCH_POSTS", DEFAULTS.posts, 100),
  /** accounts each resident follows */
  follows: intEnv("BENCH_FOLLOWS", DEFAULTS.follows, 1),
  requests: intEnv("BENCH_REQUESTS", DEFAULTS.requests, 10),
  postings: intEnv("BENCH_POSTINGS", DEFAULTS.postings, 10),
  concurrency: intEnv("BENCH_CONCURRENCY", DEFAULTS.concurrency, 1),
};
params.follows = Math.min(params.follows, params.accounts - 1);
const dbChoice = (process.env.BENCH_DB ?? "both").toLowerCase();
if (!["postgres", "pglite", "both"].includes(dbChoice)) throw new Error(`BENCH_DB must be postgres, pglite or both (got "${dbChoice}")`);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const fullSize = Object.entries(DEFAULTS).every(([k, v]) => params[k as keyof typeof params] === v);
const writeDocs = process.env.BENCH_DOCS === "1" || (process.env.BENCH_DOCS !== "0" && fullSize);
/** keep the seeded database or PGlite data dir (for EXPLAIN ANALYZE); remove it by hand afterwards */
const keepDatabase = process.env.BENCH_KEEP_DB === "1";

/** PGlite's memory settings for this benchmark's database (PARVIS_PGLITE_SHARED_BUFFERS=128MB, …MAINTENANCE_WORK_MEM=64MB). */
const BIG_COMMUNE_PGLITE = { sharedBuffers: "128MB", maintenanceWorkMem: "64MB" };

/** Residents created through registerAccount (the rest by bulk SQL, like them). */
const DOMAIN_MADE = 5;
const PAGE_LIMIT = 20;

const started = performance.now();
function log(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${s}s] ${message}`);
}

// ── helpers ─────────────────────────────────────────────────────────────────

/** Deterministic PRNG (mulberry32): both databases get the same viewers and posts. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


async function exec(db: Db, query: string): Promise<void> {
  await db.execute(sql.raw(query));
}

async function scalar(db: Db, query: string): Promise<number> {
  const rows = rowsOf<{ n: string | number }>(await db.execute(sql.raw(query)));
  return Number(rows[0]?.n ?? 0);
}

/** A uniform value in [0, 1) from a row number and a salt, the same on every PostgreSQL. */
function u(expr: string, salt: number): string {
  return `((hashint4(((${expr}) * 16 + ${salt})::int)::bigint + 2147483648) / 4294967296.0)`;
}

/** A sortable id as server/ids.ts makes them: milliseconds << 16 | sequence. */
function idExpr(msExpr: string, seqExpr: string): string {
  return `(((${msExpr})::bigint << 16) | ((${seqExpr})::bigint & 65535))`;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

// ── seeding ─────────────────────────────────────────────────────────────────

interface Resident {
  accountId: string;
  token: string;
}

const DAY = 86_400_000;

async function seed(ctx: DomainContext, db: Db, config: Config): Promise<Resident[]> {
  const N = params.accounts;
  const P = params.posts;
  const F = params.follows;
  const origin = sqlString(config.origin);
  const now = Date.now();
  // accounts joined about a year ago, follows were made over the following months,
  // posts cover the last 60 days up to an hour ago: id order is time order throughout
  const accountsStart = now - 400 * DAY;
  const followsStart = now - 300 * DAY;
  const postsStart = now - 60 * DAY;
  const postsSpan = 60 * DAY - 3_600_000;

  let t = performance.now();
  const passwordHash = await hashPassword(randomBytes(12).toString("base64url"));
  for (let i = 0; i < DOMAIN_MADE; i++) {
    await registerAccount(ctx, { username: `bench${String(i).padStart(5, "0")}`, password: "bench password", force: true, role: "resident" });
  }
  const accMs = `${accountsStart} + g::bigint * 60000`;
  await exec(
    db,
    `insert into accounts (id, username, display_name, uri, url, inbox_url, shared_inbox_url, outbox_url, followers_url, following_url, featured_url, created_at, updated_at)
     select ${idExpr(accMs, "g")}, n, 'Résident ' || g, ${origin} || '/users/' || n, ${origin} || '/@' || n,
            ${origin} || '/users/' || n || '/inbox', ${origin} || '/inbox', ${origin} || '/users/' || n || '/outbox',
            ${origin} || '/users/' || n || '/followers', ${origin} || '/users/' || n || '/following',
            ${origin} || '/users/' || n || '/collections/featured', to_timestamp((${accMs}) / 1000.0), to_timestamp((${accMs}) / 1000.0)
     from (select g, 'bench' || lpad(g::text, 5, '0') as n from generate_series(${DOMAIN_MADE}, ${N - 1}) g) s`,
  );
  await exec(
    db,
    `insert into users (id, account_id, password_hash, role, locale, approved, created_at)
     select a.id + 1, a.id, ${sqlString(passwordHash)}, 'resident', 'fr', true, a.created_at
     from accounts a where a.domain is null and not exists (select 1 from users u where u.account_id = a.id)`,
  );
  // a dense index 0..N-1 over the residents, for the generators below (dropped after seeding)
  await exec(db, `drop table if exists bench_ix`);
  await exec(db, `create table bench_ix (ix int primary key, id bigint not null, username text not null)`);
  await exec(
    db,
    `insert into bench_ix select (row_number() over (order by username) - 1)::int, id, username from accounts where domain is null`,
  );
  await exec(db, "analyze accounts");
  await exec(db, "analyze bench_ix");
  log(`  ${N} accounts and users (${DOMAIN_MADE} through registerAccount) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  // each resident follows F others; earlier-numbered residents are somewhat more popular
  await exec(
    db,
    `insert into follows (id, account_id, target_account_id, uri, created_at)
     select ${idExpr(`${followsStart} + r * 37`, "r")}, a.id, b.id, null, to_timestamp((${followsStart} + r * 37) / 1000.0)
     from (select row_number() over () as r, x.follower, x.target from (
             select f.ix as follower, t.ix as target,
                    row_number() over (partition by f.ix order by ${u(`f.ix * ${N} + t.ix`, 1)} * (0.5 + t.ix::float / ${N})) as rn
             from bench_ix f cross join bench_ix t where f.ix <> t.ix) x
           where x.rn <= ${F}) s
     join bench_ix a on a.ix = s.follower join bench_ix b on b.ix = s.target`,
  );
  await exec(db, "analyze follows");
  log(`  ${await scalar(db, "select count(*) as n from follows")} follows in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  // posts: index g → time (and id) in order; authors skewed (some residents post a lot);
  // 6% replies and 4% reblogs of earlier posts, the rest originals: 85% public, 10% unlisted, 5% private
  const postMs = (g: string) => `(${postsStart} + floor(${g}::float8 * ${postsSpan} / ${P}))`;
  const kindOf = (g: string) => `(case when ${g} < 1000 then 'o' when ${g} % 100 < 6 then 'r' when ${g} % 100 < 10 then 'b' else 'o' end)`;
  const author = (g: string, salt: number) => `floor(power(${u(g, salt)}, 1.6) * ${N})::int`;
  const words = `(array['la place du marché', 'le conseil municipal', 'la fête de l''école', 'les travaux de la rue', 'la bibliothèque', 'le club de foot', 'la collecte des déchets', 'le vide-grenier'])`;
  const text = (g: string) =>
    `'Message ' || ${g} || ' à propos de ' || ${words}[1 + floor(${u(g, 3)} * 8)::int] || ' : rendez-vous samedi matin, qui vient ? Pensez à prévenir les voisins.'`;
  await exec(
    db,
    `insert into statuses (id, uri, url, account_id, content, text, visibility, language, local, created_at, updated_at)
     select s.id, ${origin} || '/users/' || a.username || '/statuses/' || s.id, ${origin} || '/@' || a.username || '/' || s.id, a.id,
            '<p>' || s.txt || '</p>', s.txt,
            case when s.v < 0.85 then 'public' when s.v < 0.95 then 'unlisted' else 'private' end, 'fr', true, s.at, s.at
     from (select ${idExpr(postMs("g"), "g")} as id, to_timestamp(${postMs("g")} / 1000.0) as at, ${author("g", 2)} as ix,
                  ${u("g", 4)} as v, ${text("g")} as txt
           from generate_series(0, ${P - 1}) g where ${kindOf("g")} = 'o') s
     join bench_ix a on a.ix = s.ix`,
  );
  // fresh statistics, or the planner treats statuses as the empty table it just was
  await exec(db, "analyze statuses");
  // replies answer a recent earlier post, with its visibility (or public) and a mention of its author
  await exec(
    db,
    `insert into statuses (id, uri, url, account_id, in_reply_to_id, in_reply_to_account_id, content, text, visibility, language, local, created_at, updated_at)
     select s.id, ${origin} || '/users/' || a.username || '/statuses/' || s.id, ${origin} || '/@' || a.username || '/' || s.id, a.id,
            p.id, p.account_id, '<p>' || s.txt || '</p>', s.txt, p.visibility, 'fr', true, s.at, s.at
     from (select g, ${idExpr(postMs("g"), "g")} as id, to_timestamp(${postMs("g")} / 1000.0) as at, ${author("g", 5)} as ix,
                  ${idExpr(postMs(`greatest(0, g - 1 - floor(${u("g", 6)} * 3000))`), "0")} as before_id,
                  'Bonne idée, je viendrai. ' || ${text("g")} as txt
           from generate_series(0, ${P - 1}) g where ${kindOf("g")} = 'r') s
     join bench_ix a on a.ix = s.ix
     cross join lateral (select id, account_id, visibility from statuses
                         where id < s.before_id + 65536 and reblog_of_id is null and in_reply_to_id is null
                         order by id desc limit 1) p`,
  );
  await exec(
    db,
    `insert into mentions (status_id, account_id)
     select id, in_reply_to_account_id from statuses where in_reply_to_account_id is not null and in_reply_to_account_id <> account_id
     on conflict do nothing`,
  );
  // reblogs share a recent earlier public post
  await exec(
    db,
    `insert into statuses (id, uri, url, account_id, reblog_of_id, content, visibility, local, created_at, updated_at)
     select s.id, ${origin} || '/users/' || a.username || '/statuses/' || s.id || '/activity', null, a.id, p.id, '', 'public', true, s.at, s.at
     from (select g, ${idExpr(postMs("g"), "g")} as id, to_timestamp(${postMs("g")} / 1000.0) as at, ${author("g", 7)} as ix,
                  ${idExpr(postMs(`greatest(0, g - 1 - floor(${u("g", 8)} * 3000))`), "0")} as before_id
           from generate_series(0, ${P - 1}) g where ${kindOf("g")} = 'b') s
     join bench_ix a on a.ix = s.ix
     cross join lateral (select id from statuses
                         where id < s.before_id + 65536 and visibility = 'public' and reblog_of_id is null
                         order by id desc limit 1) p
     on conflict do nothing`,
  );
  // favourites on about half as many posts, a few blocks and mutes
  await exec(
    db,
    `insert into favourites (id, account_id, status_id, created_at)
     select s.id + 1, a.id, s.id, s.created_at
     from (select id, created_at, ${author("(id % 1000003)::int", 9)} as ix from statuses
           where reblog_of_id is null and visibility <> 'private' and id % 2 = 0) s
     join bench_ix a on a.ix = s.ix
     on conflict do nothing`,
  );
  for (const [table, salt] of [["blocks", 10], ["mutes", 12]] as const) {
    await exec(
      db,
      `insert into ${table} (id, account_id, target_account_id, created_at)
       select ${idExpr(`${followsStart} + 20 * ${DAY} + g * 1000`, "g")}, a.id, b.id, to_timestamp((${followsStart} + 20 * ${DAY} + g * 1000) / 1000.0)
       from generate_series(0, ${Math.max(1, Math.floor(N / 5)) - 1}) g
       join bench_ix a on a.ix = floor(${u("g", salt)} * ${N})::int
       join bench_ix b on b.ix = floor(${u("g", salt + 1)} * ${N})::int
       where a.id <> b.id
       on conflict do nothing`,
    );
  }
  await exec(
    db,
    `update accounts set last_status_at = l.at from (select account_id, max(created_at) as at from statuses group by account_id) l
     where l.account_id = accounts.id`,
  );
  const posts = await scalar(db, "select count(*) as n from statuses");
  log(`  ${posts} posts (replies, reblogs, favourites, a few blocks and mutes) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const residents: Resident[] = [];
  const userRows = rowsOf<{ user_id: string | number; account_id: string | number }>(
    await db.execute(sql.raw(`select u.id as user_id, u.account_id from users u join bench_ix b on b.id = u.account_id order by b.ix`)),
  );
  for (const row of userRows) {
    const { accessToken } = await issueToken(ctx, { userId: String(row.user_id), userAgent: "bench/timeline" });
    residents.push({ accountId: String(row.account_id), token: accessToken });
  }
  await exec(db, `drop table bench_ix`);
  log(`  ${residents.length} access tokens issued in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  // VACUUM as autovacuum would after a bulk load (visibility map for index-only scans), ANALYZE for the planner
  await exec(db, "vacuum analyze");
  log(`  VACUUM ANALYZE in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return residents;
}

// ── measuring ───────────────────────────────────────────────────────────────

export interface DbFigures {
  kind: "postgres" | "pglite";
  posts: number;
  follows: number;
  favourites: number;
  seedSeconds: number;
  raw: Summary;
  rawRows: number;
  httpSeq: Summary;
  httpConc: Summary;
  posting: Summary;
  postingConc: Summary | null;
  /** 1-minute load average when measuring started and ended (other work on the machine skews figures) */
  load: [number, number];
}

function checkAll(result: LoadResult, what: string, expected: number): void {
  const bad = Object.entries(result.statuses).filter(([code]) => Number(code) !== expected);
  if (bad.length) throw new Error(`${what}: unexpected HTTP statuses ${JSON.stringify(result.statuses)}`);
}

async function benchOne(kind: "postgres" | "pglite"): Promise<DbFigures> {
  log(`── ${kind} ──`);
  const { dataDir, url, dropDatabase, port, config } = await prepareBenchSite(kind, { adminUrl, dirPrefix: "parvis-bench-", log });
  let database: Database | undefined;
  let instance: Awaited<ReturnType<typeof createInstance>> | undefined;
  const cleanup = async () => {
    if (instance) await instance.stop().catch((err) => log(`  stop failed: ${String(err)}`));
    else if (database) await database.close().catch(() => {});
    if (keepDatabase && kind === "pglite") log(`  PGlite data kept (BENCH_KEEP_DB=1): ${join(dataDir, "pglite")}`);
    else rmSync(dataDir, { recursive: true, force: true });
    if (dropDatabase && keepDatabase) log(`  database kept (BENCH_KEEP_DB=1): ${url}`);
    else if (dropDatabase) await dropDatabase().catch((err) => log(`  could not drop the database: ${String(err)}`));
  };
  cleanups.add(cleanup);
  try {
    // a database of this size is the "bigger commune" of docs/admin.md: PGlite's page cache
    // raised to 128 MB (its small-commune default of 16 MB made the home timeline over
    // 20,000 posts 1.8× slower raw, 2.5× over HTTP)
    database = await openDatabase(kind === "postgres" ? { url } : { dataDir: join(dataDir, "pglite"), pglite: BIG_COMMUNE_PGLITE });
    instance = await createInstance(config, { database, logger: createLogger(config.logLevel), modules: defaultModules(config) });
    const ctx = instance.services.domain;
    const db = instance.services.db;

    const seedStart = performance.now();
    log(`  seeding ${params.accounts} residents, ${params.posts} posts, ${params.follows} follows each`);
    const residents = await seed(ctx, db, config);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const posts = await scalar(db, "select count(*) as n from statuses");
    const follows = await scalar(db, "select count(*) as n from follows");
    const favourites = await scalar(db, "select count(*) as n from favourites");

    await instance.listen(port, "127.0.0.1");
    log(`  listening on ${instance.url}`);

    const loadBefore = loadavg()[0];
    // the same viewers, in the same order, for the raw query and for HTTP
    const random = prng(2026);
    const pick = () => residents[Math.floor(random() * residents.length)];
    const warmup = Math.max(50, Math.floor(params.requests / 10));
    const viewers = Array.from({ length: params.requests }, pick);
    const warmViewers = Array.from({ length: warmup }, pick);

    // baseline: homeTimeline() on the database, no HTTP
    for (const v of warmViewers) await homeTimeline(ctx, v.accountId, { limit: PAGE_LIMIT });
    const rawTimes: number[] = [];
    let rawRows = 0;
    const rawStart = performance.now();
    for (const v of viewers) {
      const t0 = performance.now();
      const rows = await homeTimeline(ctx, v.accountId, { limit: PAGE_LIMIT });
      rawTimes.push(performance.now() - t0);
      rawRows += rows.length;
    }
    const raw = summarize(rawTimes, performance.now() - rawStart);
    log(`  raw homeTimeline(): p50 ${raw.p50.toFixed(2)} ms, p99 ${raw.p99.toFixed(2)} ms (${(rawRows / viewers.length).toFixed(1)} rows a page)`);

    const home = (v: Resident): LoadRequest => ({ method: "GET", path: "/api/v1/timelines/home", token: v.token });
    const target = { host: "127.0.0.1", port, hostHeader: config.domain };
    // warm-up: every resident once (as if all were logged in a while ago: their token's
    // last-used time is fresh), then the warm-up viewers
    checkAll(await runLoad({ ...target, requests: [...residents, ...warmViewers].map(home), concurrency: 1 }), "warm-up", 200);
    const seq = await runLoad({ ...target, requests: viewers.map(home), concurrency: 1 });
    checkAll(seq, "home timeline", 200);
    const httpSeq = summarize(seq.latencies, seq.elapsedMs);
    log(`  GET home, sequential: p50 ${httpSeq.p50.toFixed(2)} ms, p99 ${httpSeq.p99.toFixed(2)} ms, ${httpSeq.throughput.toFixed(0)} req/s`);
    const conc = await runLoad({ ...target, requests: viewers.map(home), concurrency: params.concurrency });
    checkAll(conc, "home timeline (concurrent)", 200);
    const httpConc = summarize(conc.latencies, conc.elapsedMs);
    log(
      `  GET home, ${params.concurrency} at a time: p50 ${httpConc.p50.toFixed(2)} ms, p99 ${httpConc.p99.toFixed(2)} ms, ${httpConc.throughput.toFixed(0)} req/s`,
    );

    // posting: plain text mostly, some with a hashtag or a mention, as residents write
    const postRandom = prng(7);
    const makePost = (k: number): LoadRequest => {
      const author = residents[Math.floor(postRandom() * residents.length)];
      const other = Math.floor(postRandom() * residents.length);
      let status = `Annonce ${k} : la mairie sera fermée lundi matin, réouverture à 14 h. Merci de faire passer le message.`;
      if (k % 5 === 0) status += " #vieLocale";
      if (k % 10 === 3) status += ` @bench${String(other).padStart(5, "0")}`;
      return { method: "POST", path: "/api/v1/statuses", token: author.token, body: JSON.stringify({ status, visibility: k % 7 === 0 ? "unlisted" : "public" }) };
    };
    const postWarm = Array.from({ length: Math.max(10, Math.floor(params.postings / 10)) }, (_, k) => makePost(k));
    checkAll(await runLoad({ ...target, requests: postWarm, concurrency: 1 }), "posting warm-up", 200);
    const postReqs = Array.from({ length: params.postings }, (_, k) => makePost(postWarm.length + k));
    const postRun = await runLoad({ ...target, requests: postReqs, concurrency: 1 });
    checkAll(postRun, "posting", 200);
    const posting = summarize(postRun.latencies, postRun.elapsedMs);
    log(`  POST statuses, sequential: p50 ${posting.p50.toFixed(2)} ms, p99 ${posting.p99.toFixed(2)} ms`);
    const postConcReqs = Array.from({ length: params.postings }, (_, k) => makePost(postWarm.length + params.postings + k));
    const postConcRun = await runLoad({ ...target, requests: postConcReqs, concurrency: params.concurrency });
    checkAll(postConcRun, "posting (concurrent)", 200);
    const postingConc = summarize(postConcRun.latencies, postConcRun.elapsedMs);
    log(
      `  POST statuses, ${params.concurrency} at a time: p50 ${postingConc.p50.toFixed(2)} ms, p99 ${postingConc.p99.toFixed(2)} ms, ${postingConc.throughput.toFixed(0)} req/s`,
    );

    const load: [number, number] = [loadBefore, loadavg()[0]];
    return { kind, posts, follows, favourites, seedSeconds, raw, rawRows: rawRows / viewers.length, httpSeq, httpConc, posting, postingConc, load };
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
    log(`  ${kind}: cleaned up`);
  }
}

cleanUpOnInterrupt(log);


// ── report ──────────────────────────────────────────────────────────────────

const GOALS = { homeP99Ms: 25, ratio: 3, postP99Ms: 15 };

function ms(v: number): string {
  return v < 10 ? v.toFixed(2) : v.toFixed(1);
}

function mark(ok: boolean): string {
  return ok ? "met" : "**not met**";
}

function renderSection(results: DbFigures[]): string {
  const m = machineInfo();
  const lines: string[] = [];
  lines.push("## Home timeline and posting (bench/timeline.ts)");
  lines.push("");
  lines.push(
    "`npm run bench:timeline` seeds each database with the same data, starts a real Parvis on it (createInstance, loopback port) " +
      "and measures over HTTP with keep-alive from a worker thread, next to the raw time of the same `homeTimeline()` query " +
      "called directly on the database in the same run (the baseline). Pages are 20 statuses, fully serialized.",
  );
  lines.push("");
  lines.push(`- Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB memory, ${m.platform}; Node ${process.version}`);
  lines.push(`- Run: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, total ${((performance.now() - started) / 1000 / 60).toFixed(1)} min`);
  lines.push(
    `- Data: ${params.accounts} local residents, ~${params.posts} posts over 60 days (85% public, 10% unlisted, 5% private; 6% replies, 4% reblogs), ` +
      `${params.follows} follows each, ${results[0]?.favourites ?? 0} favourites, ${Math.max(1, Math.floor(params.accounts / 5))} blocks and as many mutes; VACUUM ANALYZE after seeding; ` +
      `PGlite with \`PARVIS_PGLITE_SHARED_BUFFERS=${BIG_COMMUNE_PGLITE.sharedBuffers}\` and \`PARVIS_PGLITE_MAINTENANCE_WORK_MEM=${BIG_COMMUNE_PGLITE.maintenanceWorkMem}\`, as docs/admin.md advises for a database of this size`,
  );
  lines.push(
    `- Load: ${params.requests} home-timeline requests as random residents (bearer tokens) after a warm-up (each resident once, then ${Math.max(50, Math.floor(params.requests / 10))} more), ` +
      `sequential then ${params.concurrency} at a time; ${params.postings} posts, sequential then ${params.concurrency} at a time`,
  );
  lines.push("");
  lines.push("| | " + results.map((r) => (r.kind === "postgres" ? "PostgreSQL" : "PGlite")).join(" | ") + " |");
  lines.push("|---|" + results.map(() => "---:").join("|") + "|");
  const row = (label: string, f: (r: DbFigures) => string) => lines.push(`| ${label} | ${results.map(f).join(" | ")} |`);
  row("statuses / follows seeded", (r) => `${r.posts} / ${r.follows} (${r.seedSeconds.toFixed(0)} s)`);
  row("1-min load average, start → end of measuring", (r) => `${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`);
  row("raw `homeTimeline()` p50 / p99 / mean (ms)", (r) => `${ms(r.raw.p50)} / ${ms(r.raw.p99)} / ${ms(r.raw.mean)}`);
  row("GET home, sequential p50 / p99 / mean (ms)", (r) => `${ms(r.httpSeq.p50)} / ${ms(r.httpSeq.p99)} / ${ms(r.httpSeq.mean)}`);
  row("GET home, sequential throughput (req/s)", (r) => r.httpSeq.throughput.toFixed(0));
  row(`GET home, ${params.concurrency} concurrent p50 / p99 / mean (ms)`, (r) => `${ms(r.httpConc.p50)} / ${ms(r.httpConc.p99)} / ${ms(r.httpConc.mean)}`);
  row(`GET home, ${params.concurrency} concurrent throughput (req/s)`, (r) => r.httpConc.throughput.toFixed(0));
  row("HTTP p99 / raw p99 (sequential)", (r) => (r.httpSeq.p99 / r.raw.p99).toFixed(1) + "×");
  row("POST statuses, sequential p50 / p99 / mean (ms)", (r) => `${ms(r.posting.p50)} / ${ms(r.posting.p99)} / ${ms(r.posting.mean)}`);
  row(`POST statuses, ${params.concurrency} concurrent p50 / p99 (ms), req/s`, (r) =>
    r.postingConc ? `${ms(r.postingConc.p50)} / ${ms(r.postingConc.p99)}, ${r.postingConc.throughput.toFixed(0)}` : "–",
  );
  const busiest = Math.max(...results.flatMap((r) => r.load));
  if (busiest > m.cores * 1.5) {
    lines.push("");
    lines.push(
      `**The machine was busy during this run** (1-minute load average up to ${busiest.toFixed(1)} on ${m.cores} cores, from other work): ` +
        "every figure is inflated by waiting for a CPU, the raw query as much as HTTP. Rerun on a quiet machine before comparing with the goals.",
    );
  }
  lines.push("");
  lines.push("Goals (sequential figures):");
  lines.push("");
  for (const r of results) {
    const name = r.kind === "postgres" ? "PostgreSQL" : "PGlite";
    const ratio = r.httpSeq.p99 / r.raw.p99;
    const binding = r.kind === "postgres" ? "" : " (the goals are set for PostgreSQL; shown for information)";
    lines.push(
      `- ${name}${binding}: home timeline p99 < ${GOALS.homeP99Ms} ms — ${ms(r.httpSeq.p99)} ms, ${mark(r.httpSeq.p99 < GOALS.homeP99Ms)}; ` +
        `within ${GOALS.ratio}× of the raw query — ${ratio.toFixed(1)}×, ${mark(ratio <= GOALS.ratio)}; ` +
        `posting p99 < ${GOALS.postP99Ms} ms — ${ms(r.posting.p99)} ms, ${mark(r.posting.p99 < GOALS.postP99Ms)}`,
    );
  }
  lines.push("");
  lines.push(
    "Smaller or partial runs: `BENCH_DB=postgres|pglite|both`, `BENCH_ACCOUNTS`, `BENCH_POSTS`, `BENCH_FOLLOWS` (per resident), " +
      "`BENCH_REQUESTS`, `BENCH_POSTINGS`, `BENCH_CONCURRENCY`; `BENCH_DATABASE_URL` (default: TEST_DATABASE_URL, else the local server) " +
      "is where the throwaway database is created. `BENCH_KEEP_DB=1` keeps the seeded database or PGlite directory for EXPLAIN ANALYZE. " +
      "The 1-minute load average is printed because other work on the machine inflates every figure.",
  );
  if (!fullSize) {
    lines.push("");
    lines.push(`Reduced run (${JSON.stringify(params)}): not comparable with full-size figures.`);
  }
  return lines.join("\n") + "\n";
}

// ── main ────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  log(`bench/timeline: ${JSON.stringify(params)}, databases: ${dbChoice}, Node ${process.version}`);
  const kinds: ("postgres" | "pglite")[] = dbChoice === "both" ? ["postgres", "pglite"] : [dbChoice as "postgres" | "pglite"];
  const results: DbFigures[] = [];
  for (const kind of kinds) results.push(await benchOne(kind));
  const section = renderSection(results);
  console.log("\n" + section);
  if (writeDocs) {
    const file = updateDocSection("## Home timeline and posting (bench/timeline.ts)", section);
    log(`figures written to ${file}`);
  } else {
    log("reduced run: docs/performance.md left as it is (BENCH_DOCS=1 writes it anyway)");
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
