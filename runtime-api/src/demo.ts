// `npm run demo`: seeds the database `npm start` uses with a live CRM pool (users, a few hundred customers in
// every state, two months of history) plus HR and service-ticket pools, so a new user sees a working pool at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '@poolflow/engine';
import { openDatabase } from './db/connect.js';
import { exitIfDataDirInUse } from './db/data-dir-lock.js';
import { addRoutedPools, callTwice, CRM_POOLS, decideOldAudits } from './demo-integrity.js';
import { ADVANCE_ORDER, jobIntervals } from './jobs/jobs.js';
import { JobRunner } from './jobs/runner.js';
import { DEFAULT_KEY_HOURS, purgeExpiredKeys } from './plugins/idempotency.plugin.js';
import { AuditService } from './services/audit.service.js';
import { AuthService, passwordSettingProblem } from './services/auth.service.js';
import { processClock } from './services/clock.js';
import { Distributor } from './services/distributor.js';
import { Metrics } from './services/metrics.js';
import { Outbox } from './services/outbox.js';
import { PolicyStore } from './services/policy-store.js';
import { RecordService, type Actor } from './services/record.service.js';
import { DEFAULT_RETENTION, purgeRetained } from './services/retention.js';
import { StatsRollup } from './services/stats-rollup.js';
import { Sweeper } from './services/sweeper.js';
import { UpgradeService } from './services/upgrade.service.js';

const DAY = 86_400_000;
const env = process.env;
const templatesDir = join(import.meta.dirname, '..', '..', 'templates');

/** A deterministic pseudo-random sequence, so every demo database looks the same. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const names = [
  'Huaxin',
  'Jinmao',
  'Longteng',
  'Tianyu',
  'Ruifeng',
  'Hengtai',
  'Boyuan',
  'Zhongxing',
  'Xinda',
  'Guanghe',
];
const suffix = [
  'Trading',
  'Robotics',
  'Software',
  'Textiles',
  'Logistics',
  'Foods',
  'Medical',
  'Energy',
  'Capital',
  'Retail',
];
// Real notes, now and then "ok": too short, so it is recorded but does not restart protection (the
// template's quality rules), and the audit queue gets it. A second call within 48 hours is refused.
const followUpNotes = [
  'asked for a quote',
  'sent the price list',
  'booked a demo on site',
  'talked to the buyer about the budget',
  'followed up on the quote',
  'introduced the new product line',
];
const industries = [
  'software',
  'manufacturing',
  'finance',
  'trade',
  'retail',
  'education',
  'other',
];

// Passwords have at least MIN_PASSWORD_LENGTH characters, the demo users' too: a shorter one stops the demo
// with a message naming the variable, before the database is opened (nothing is written).
const password = env['POOLFLOW_DEMO_PASSWORD'] ?? 'poolflow-demo';
for (const [name, value] of [
  ['POOLFLOW_DEMO_PASSWORD', password],
  ['POOLFLOW_ADMIN_PASSWORD', env['POOLFLOW_ADMIN_PASSWORD']],
] as const) {
  const problem = passwordSettingProblem(name, value);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}

const db = await openDatabase({
  databaseUrl: env['DATABASE_URL'],
  dataDir: env['POOLFLOW_DATA_DIR'] ?? './data',
}).catch(exitIfDataDirInUse);
const knex = db.knex;
if (await knex('pools').where({ key: 'crm' }).first()) {
  console.log('The demo pool "crm" exists already: nothing to do.');
  await db.close();
  process.exit(0);
}
const auth = new AuthService(knex, 'demo-seeding');
const admin = await auth.ensureAdmin(env['POOLFLOW_ADMIN_PASSWORD']);
const people = [
  {
    username: 'manager',
    displayName: 'Wang Min (manager)',
    roles: ['manager'],
    attributes: { seniority: 'senior' },
  },
  {
    username: 'alice',
    displayName: 'Alice Zhang',
    roles: ['member'],
    attributes: { seniority: 'junior' },
  },
  {
    username: 'bob',
    displayName: 'Bob Li',
    roles: ['member'],
    attributes: { seniority: 'junior' },
  },
  {
    username: 'carol',
    displayName: 'Carol Chen',
    roles: ['member'],
    attributes: { seniority: 'senior' },
  },
  {
    username: 'dave',
    displayName: 'Dave Liu',
    roles: ['member'],
    attributes: { seniority: 'junior' },
  },
];
const users: Actor[] = [];
for (const p of people) {
  const existing = await knex('users').where({ username: p.username }).first();
  const id = existing?.id ?? (await auth.createUser({ ...p, password })).id;
  users.push({ id, roles: p.roles, attributes: p.attributes });
}
const [manager, ...reps] = users as [Actor, ...Actor[]];

// The seed clock walks through the last 60 days; the sweeper fires whatever fell due once the server runs.
let now = Date.now() - 60 * DAY;
const seedClock = processClock(() => now);
const policies = new PolicyStore(knex);
const metrics = new Metrics();
const records = new RecordService(knex, policies, seedClock, metrics);
// The seeding runs the jobs the manual clock's advance runs, once per simulated day, on the seed clock.
const jobs = new JobRunner(
  {
    sweep: new Sweeper(knex, policies, seedClock, metrics),
    upgrades: new UpgradeService(knex, policies, seedClock, metrics),
    distributor: new Distributor(knex, policies, seedClock, records),
    outbox: new Outbox(knex, seedClock),
    purgeIdempotencyKeys: () => purgeExpiredKeys({ db: knex, clock: seedClock }, DEFAULT_KEY_HOURS),
    purgeSessions: () => auth.purgeExpired(),
    purgeRetained: () => purgeRetained(knex, seedClock, DEFAULT_RETENTION),
    statsRollup: new StatsRollup(knex, policies, seedClock),
  },
  jobIntervals({}),
  metrics,
  { error: (obj, msg) => console.error(msg, obj) },
);

for (const [id, key, zh] of [
  ['crm-customer-pool', 'crm', '客户公海'],
  ['hr-candidate-pool', 'talent', '人才库'],
  ['service-ticket-pool', 'tickets', '工单池'],
] as const) {
  const document = JSON.parse(
    readFileSync(join(templatesDir, id, 'policy.json'), 'utf8'),
  ) as Policy;
  if (!(await knex('policies').where({ id }).first())) {
    await knex('policies').insert({
      id,
      name: JSON.stringify(document.name),
      draft: JSON.stringify(document),
      latest_version: 1,
    });
    await knex('policy_versions').insert({
      policy_id: id,
      version: 1,
      document: JSON.stringify(document),
      message: 'template',
      published_by: manager.id,
    });
  }
  await knex('pools').insert({
    key,
    name: JSON.stringify({ en: document.name.en, zh }),
    policy_id: id,
    policy_version: 1,
    distribution: 'manual',
  });
  await knex('pool_members').insert(
    users.map((u) => ({ pool_key: key, user_id: u.id, role: u === manager ? 'admin' : 'member' })),
  );
}

await addRoutedPools(knex, policies, templatesDir, { manager, users });
const audits = new AuditService(knex, policies, seedClock, metrics);

const rnd = random(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
const tryEvent = async (
  id: string,
  type: string,
  actor: Actor,
  payload?: Record<string, unknown>,
) => {
  try {
    // The record's pool: routing may have moved it from "crm".
    const pool = (await knex('records').where({ id }).first('pool_key'))?.pool_key ?? 'crm';
    await records.send(pool, id, payload ? { type, payload } : { type }, actor);
  } catch {
    // A refused move (limits, cooldown) is part of a live pool; the demo just goes on.
  }
};
let created = 0;
// Customers claimed from the pool whose deal closes a week later (if the rep still owns them then), drawn
// by a sequence of their own so the rest of the demo is as it was.
const closes = random(7);
const closing: { id: string; rep: Actor; day: number }[] = [];
for (let day = 0; day < 60; day++) {
  now = Date.now() - (60 - day) * DAY + 9 * 3_600_000;
  // Reminders and releases that fell due overnight.
  for (const job of ADVANCE_ORDER) await jobs.run(job);
  for (const c of closing.filter((c) => c.day === day)) await tryEvent(c.id, 'WIN', c.rep);
  for (let i = 0; i < 6; i++) {
    const owner = rnd() < 0.8 ? pick(reps) : null;
    const { row } = await records.create(
      'crm',
      {
        name: `${pick(names)} ${pick(suffix)} ${created + 1}`,
        industry: pick(industries),
        phone: `138${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
        level: pick(['A', 'B', 'C']),
        urgency: Math.floor(rnd() * 6),
      },
      owner?.id ?? null,
      owner ?? manager,
    );
    created++;
    const roll = rnd();
    if (owner && roll < 0.1) await tryEvent(row.id, 'WIN', owner);
    else if (owner && roll < 0.15) await tryEvent(row.id, 'LOSE', owner);
    else if (owner && roll < 0.22)
      await tryEvent(row.id, 'NURTURE', owner, { months: 6, note: 'budget next year' });
    else if (owner && roll < 0.3)
      await tryEvent(row.id, 'RELEASE', owner, { reason: 'not a fit for me' });
  }
  // Reps work the pool and their customers in the afternoon: a record released or timed out in the
  // morning spends some hours in the pool before it is claimed, as in a live pool.
  now += 5 * 3_600_000;
  const pooled = await knex('records')
    .where({ pool_key: 'crm', pooled: true })
    .orderBy('score', 'desc')
    .limit(3)
    .pluck('id');
  for (const id of pooled) {
    const rep = pick(reps);
    await tryEvent(id, 'CLAIM', rep);
    // One claim in eight becomes a deal, so the analytics show conversions of claimed customers.
    if (closes() < 0.125) closing.push({ id, rep, day: day + 7 });
  }
  // Eight owned customers drawn by the demo's own sequence (not the database's random(): every demo
  // database looks the same, and its analytics always show conversions).
  const owned = await knex('records')
    .whereIn('pool_key', CRM_POOLS)
    .where({ state: 'owned' })
    .orderBy('created_at')
    .orderByRaw("data->>'name'")
    .select('id', 'owner_id');
  const mine = Array.from(
    { length: Math.min(8, owned.length) },
    () => owned.splice(Math.floor(rnd() * owned.length), 1)[0]!,
  );
  for (const r of mine) {
    const owner = users.find((u) => u.id === r.owner_id);
    if (owner && rnd() < 0.6)
      await tryEvent(r.id, 'FOLLOW_UP', owner, {
        channel: pick(['call', 'visit', 'wechat', 'email']),
        note: rnd() < 0.05 ? 'ok' : pick(followUpNotes),
      });
    // Now and then a deal closes, so the analytics show conversions of claimed customers too.
    else if (owner && rnd() < 0.2) await tryEvent(r.id, 'WIN', owner);
  }
  await decideOldAudits(knex, audits, manager, now);
}
// A few customers that keep bouncing back: tagged hard on their 3rd pool entry, and one claimed by five reps
// without a deal, which goes to manager review.
const seniors = users.filter((u) => u.attributes?.['seniority'] === 'senior');
for (let i = 0; i < 6; i++) {
  now = Date.now() - 45 * DAY;
  const { row } = await records.create(
    'crm',
    {
      name: `${pick(names)} Holdings ${i + 1}`,
      industry: pick(industries),
      phone: `139${String(i).padStart(8, '0')}`,
      urgency: 3,
    },
    null,
    manager,
  );
  created++;
  // Record 1 goes round five (senior) reps; the others bounce twice and come back hard.
  const claimers =
    i === 0 ? [0, 1, 2, 3, 4].map((k) => seniors[k % seniors.length]!) : reps.slice(0, 2);
  for (const [k, rep] of claimers.entries()) {
    now += 8 * DAY; // past the previous owner's cooldown
    await tryEvent(row.id, 'CLAIM', rep);
    if (k < claimers.length - 1 || i > 0)
      await tryEvent(row.id, 'RELEASE', rep, { reason: 'no answer' });
  }
}
const recentCall = await callTwice(
  knex,
  records,
  reps[0]!,
  manager,
  (ms) => (now = ms),
  Date.now(),
);
const openAudits = await knex('audits').where({ status: 'open' }).count({ n: '*' }).first();
console.log(
  `Seeded ${created} customers in pool "crm" (routed: hard records to "crm-seniors", non-target leads to "crm-nurture"; ${Number(openAudits?.n ?? 0)} open audits). ${recentCall}`,
);
console.log(`Users ${people.map((p) => p.username).join(', ')} (password: ${password}).`);
if (admin.password)
  console.log(`Created user "admin" with password: ${admin.password} (shown once)`);
console.log('Run `npm start` and open the printed URL; overdue timers fire as the server starts.');
await db.close();
