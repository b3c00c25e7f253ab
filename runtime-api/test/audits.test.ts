// The audit queue on both backends: forced and sampled follow-ups are queued for the pool's managers; a
// fake verdict puts the release back where it was (due at once if that has passed), records a violation,
// notifies the rep and writes history, exactly once under concurrent verdicts; claim rules read
// user.integrity; a rollout neither undoes a fake verdict nor keeps one from revoking; of 4,000
// follow-ups, exactly those the engine's draw picks are sampled, at the policy rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDraw } from '@poolflow/engine';
import { backends, build, call, crmPool, publishPool, template, type TestApp } from './helpers.js';

const DAY = 86_400_000;
/** A note marker the policy's force rule audits (notes stay 10+ characters and distinct). */
const AUDIT_ME = '[audit]';

function auditedPolicy(id: string, sampleRate: number): Record<string, unknown> {
  const crm = template('crm-customer-pool');
  const claim = crm['claim'] as Record<string, unknown>;
  return {
    ...crm,
    id,
    audit: { sampleRate, force: { in: [AUDIT_ME, { var: 'event.payload.note' }] } },
    // Reps with a violation in the last 90 days may not claim.
    claim: {
      ...claim,
      eligible: {
        and: [claim['eligible'] ?? true, { '<': [{ var: 'user.integrity.violations90d' }, 1] }],
      },
    },
  };
}

describe.each(backends)('audit queue (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const api = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
    call(t.app, who === 'admin' ? t.adminToken : tokens[who]!, method, url, body);
  const advance = async (body: Record<string, number>) =>
    expect((await api('admin', 'POST', '/api/clock/advance', body)).status).toBe(200);
  const owned = async (name: string, owner = 'rep') => {
    const res = await api('boss', 'POST', '/api/pools/audited/records', {
      data: { name },
      ownerId: ids[owner],
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; timers: { delay: string; dueAt: string }[] };
  };
  const followUp = (id: string, note: string, who = 'rep') =>
    api(who, 'POST', `/api/pools/audited/records/${id}/events`, {
      type: 'FOLLOW_UP',
      payload: { channel: 'visit', note },
    });
  const releaseAt = (r: { timers: { delay: string; dueAt: string }[] }) =>
    Date.parse(r.timers.find((x) => x.delay === 'release')!.dueAt);
  const openAudit = async (recordId: string) => {
    const list = await api('boss', 'GET', '/api/pools/audited/audits?status=open&limit=200');
    expect(list.status).toBe(200);
    const found = (list.body.items as { id: string; recordId: string }[]).find(
      (a) => a.recordId === recordId,
    );
    expect(found).toBeDefined();
    return found!.id;
  };
  const verdict = (auditId: string, body: unknown, who = 'boss') =>
    api(who, 'POST', `/api/pools/audited/audits/${auditId}`, body);

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, {
      boss: { roles: ['manager'] },
      boss2: { roles: ['manager'] },
      rep: {},
      rep2: {},
    }));
    await publishPool(t, auditedPolicy('crm-audited', 0), 'audited', Object.values(ids));
  });
  afterAll(() => t.close());

  it('queues a forced follow-up for managers only; a fake verdict restores the release, once', async () => {
    const created = await owned('Audited Trading');
    const originalRelease = releaseAt(created);
    await advance({ days: 10 });
    const fake = await followUp(created.id, `said we talked ${AUDIT_ME}`);
    expect(fake.status).toBe(200);
    expect(releaseAt(fake.body)).toBe(originalRelease + 10 * DAY);
    // A follow-up without the marker is not audited (sample rate 0).
    const other = await owned('Unaudited Co');
    expect((await followUp(other.id, 'a real visit to the plant')).status).toBe(200);

    const list = await api('boss', 'GET', '/api/pools/audited/audits');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      recordId: created.id,
      recordTitle: 'Audited Trading',
      eventType: 'FOLLOW_UP',
      actorId: ids['rep'],
      actorName: expect.any(String) as string,
      payload: { channel: 'visit', note: `said we talked ${AUDIT_ME}` },
      status: 'open',
      reason: 'force',
    });
    const auditId = list.body.items[0].id as string;
    expect((await api('rep', 'GET', '/api/pools/audited/audits')).status).toBe(403);
    expect((await verdict(auditId, { verdict: 'fake' }, 'rep')).status).toBe(403);
    const bad = await verdict(auditId, { verdict: 'maybe' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('/body/verdict');
    const unknown = await verdict('00000000-0000-4000-8000-000000000000', { verdict: 'fake' });
    expect(unknown.status).toBe(404);
    expect((await api('boss', 'GET', '/api/pools/audited/audits?status=nope')).status).toBe(400);

    await advance({ days: 2 });
    const decided = await verdict(auditId, { verdict: 'fake', note: 'no call on record' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body).toMatchObject({
      id: auditId,
      status: 'closed',
      verdict: 'fake',
      note: 'no call on record',
      decidedBy: ids['boss'],
      revoked: true,
    });
    const again = await verdict(auditId, { verdict: 'confirmed' }, 'boss2');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('POOL_ERR_AUDIT_CLOSED');

    // The release is back at its date before the fake follow-up; history and the rep's notification say so.
    const record = await api('rep', 'GET', `/api/pools/audited/records/${created.id}`);
    expect(releaseAt(record.body)).toBe(originalRelease);
    const history = await api('rep', 'GET', `/api/pools/audited/records/${created.id}/history`);
    const audit = (
      history.body.items as { event: string; payload: Record<string, unknown> }[]
    ).find((h) => h.event === 'AUDIT');
    expect(audit?.payload).toMatchObject({
      auditId,
      verdict: 'fake',
      violationOf: ids['rep'],
      revoked: true,
      notified: [ids['rep']],
    });
    const notes = await api('rep', 'GET', '/api/notifications');
    const violation = (notes.body.items as { kind: string; message: { en: string } }[]).find(
      (n) => n.kind === 'auditViolation',
    );
    expect(violation?.message.en).toContain('Audited Trading');
    const closed = await api('boss', 'GET', '/api/pools/audited/audits?status=closed');
    expect(closed.body.items.map((a: { id: string }) => a.id)).toEqual([auditId]);

    // The violation is in the rep's integrity record, per-rep analytics, and claim rules read it.
    const integrity = await api('boss', 'GET', '/api/pools/audited/integrity');
    expect(integrity.status).toBe(200);
    const repIntegrity = (integrity.body.items as { userId: string }[]).find(
      (i) => i.userId === ids['rep'],
    );
    expect(repIntegrity).toMatchObject({ violations: 1, violations90d: 1, auditsPassed: 0 });
    expect((await api('rep', 'GET', '/api/pools/audited/integrity')).status).toBe(403);
    await advance({ minutes: 1 }); // the range ends now, exclusive: the verdict is in it a minute on
    const stats = await api('boss', 'GET', '/api/pools/audited/stats/reps');
    const repRow = (stats.body.reps as { userId: string }[]).find((r) => r.userId === ids['rep']);
    expect(repRow).toMatchObject({ violations: 1, auditsPassed: 0 });
    const pooled = await api('boss', 'POST', '/api/pools/audited/records', {
      data: { name: 'Open Lead' },
    });
    // The pool list says so before the click; a rep without violations may claim.
    const canClaim = async (who: string) => {
      const list = await api(who, 'GET', '/api/pools/audited/records?view=pool');
      return (list.body.items as { id: string; canClaim?: unknown }[]).find(
        (r) => r.id === pooled.body.id,
      )?.canClaim;
    };
    expect(await canClaim('rep')).toEqual({ code: 'POOL_ERR_NOT_ELIGIBLE' });
    expect(await canClaim('rep2')).toBe(true);
    const refused = await api('rep', 'POST', `/api/pools/audited/records/${pooled.body.id}/claim`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('POOL_ERR_NOT_ELIGIBLE');
    const claimed = await api('rep2', 'POST', `/api/pools/audited/records/${pooled.body.id}/claim`);
    expect(claimed.status).toBe(200);
  });

  it('fires a restored release that has passed at once; a later follow-up leaves nothing to revoke', async () => {
    const late = await owned('Late Audit Co', 'rep2');
    await advance({ days: 10 });
    expect((await followUp(late.id, `phoned the buyer ${AUDIT_ME}`, 'rep2')).status).toBe(200);
    const replaced = await owned('Replaced Co', 'rep2');
    expect((await followUp(replaced.id, `quick hello ${AUDIT_ME}`, 'rep2')).status).toBe(200);
    await advance({ days: 1 });
    expect((await followUp(replaced.id, 'visited and met the buyer', 'rep2')).status).toBe(200);
    await advance({ days: 25 }); // day 36: the original release (day 30) has passed, the reset one (40) not
    const lateAudit = await openAudit(late.id);
    const decided = await verdict(lateAudit, { verdict: 'fake' });
    expect(decided.body.revoked).toBe(true);
    const now = await t.app.clock.now(t.app.db);
    const due = await api('boss', 'GET', `/api/pools/audited/records/${late.id}`);
    expect(releaseAt(due.body)).toBe(now);
    await advance({ minutes: 1 });
    const released = await api('boss', 'GET', `/api/pools/audited/records/${late.id}`);
    expect(released.body.state).toBe('pool');

    const replacedAudit = await openAudit(replaced.id);
    const before = await api('boss', 'GET', `/api/pools/audited/records/${replaced.id}`);
    const noop = await verdict(replacedAudit, { verdict: 'fake' });
    expect(noop.status).toBe(200);
    expect(noop.body.revoked).toBe(false);
    const after = await api('boss', 'GET', `/api/pools/audited/records/${replaced.id}`);
    expect(releaseAt(after.body)).toBe(releaseAt(before.body));
  });

  it('keeps a fake verdict through a rollout, before or after it: the release counts from before the fake follow-up', async () => {
    await publishPool(t, auditedPolicy('crm-rollout', 0), 'rollout', Object.values(ids));
    const inRollout = async (name: string) => {
      const res = await api('boss', 'POST', '/api/pools/rollout/records', {
        data: { name },
        ownerId: ids['rep'],
      });
      expect(res.status).toBe(201);
      return res.body as { id: string; timers: { delay: string; dueAt: string }[] };
    };
    const get = async (id: string) =>
      (await api('boss', 'GET', `/api/pools/rollout/records/${id}`)).body as {
        timers: { delay: string; dueAt: string }[];
      };
    const auditOf = async (recordId: string) => {
      const list = await api('boss', 'GET', '/api/pools/rollout/audits?status=open');
      return (list.body.items as { id: string; recordId: string }[]).find(
        (a) => a.recordId === recordId,
      )!.id;
    };
    const fakeVerdict = (auditId: string) =>
      api('boss', 'POST', `/api/pools/rollout/audits/${auditId}`, { verdict: 'fake' });
    const revokedFirst = await inRollout('Revoked Then Rolled Co');
    const rolledFirst = await inRollout('Rolled Then Revoked Co');
    const entered = releaseAt(revokedFirst) - 30 * DAY;
    await advance({ days: 10 });
    for (const { id } of [revokedFirst, rolledFirst]) {
      const res = await api('rep', 'POST', `/api/pools/rollout/records/${id}/events`, {
        type: 'FOLLOW_UP',
        payload: { channel: 'visit', note: `said we talked ${AUDIT_ME}` },
      });
      expect(res.status).toBe(200);
      expect(releaseAt(res.body)).toBe(entered + 40 * DAY);
    }
    const first = await fakeVerdict(await auditOf(revokedFirst.id));
    expect(first.body.revoked).toBe(true);
    expect(releaseAt(await get(revokedFirst.id))).toBe(entered + 30 * DAY);

    // Version 2 releases after 20 days; the rollout re-arms every record's timers from its state's entry.
    const v2 = {
      ...auditedPolicy('crm-rollout', 0),
      delays: { ...(template('crm-customer-pool')['delays'] as object), release: { days: 20 } },
    };
    expect(
      (await api('admin', 'PUT', '/api/policies/crm-rollout/draft', { document: v2 })).status,
    ).toBe(200);
    expect(
      (await api('admin', 'POST', '/api/policies/crm-rollout/publish', { message: 'v2' })).status,
    ).toBe(200);
    expect(
      (await api('admin', 'POST', '/api/pools/rollout/upgrade', { toVersion: 2 })).status,
    ).toBe(202);
    await advance({ minutes: 1 });
    // Revoked before the rollout: 20 days from the entry before the fake follow-up, not from it.
    expect(releaseAt(await get(revokedFirst.id))).toBe(entered + 20 * DAY);
    // Rolled out before its verdict: the rollout re-armed it from the fake follow-up (day 10 + 20)...
    expect(releaseAt(await get(rolledFirst.id))).toBe(entered + 30 * DAY);
    // ...and the fake verdict still takes that protection back, in version 2's terms.
    const second = await fakeVerdict(await auditOf(rolledFirst.id));
    expect(second.body.revoked).toBe(true);
    expect(releaseAt(await get(rolledFirst.id))).toBe(entered + 20 * DAY);
  });

  it("leaves a manager's own follow-up to another manager: deciding it oneself is a 403 and it stays open", async () => {
    const rec = await owned('Worked by the boss', 'boss');
    await advance({ hours: 1 });
    expect((await followUp(rec.id, `my own visit ${AUDIT_ME}`, 'boss')).status).toBe(200);
    const auditId = await openAudit(rec.id);
    for (const body of [{ verdict: 'confirmed' }, { verdict: 'fake' }]) {
      const own = await verdict(auditId, body, 'boss');
      expect(own.status).toBe(403);
      expect(own.body.error.code).toBe('POOL_ERR_FORBIDDEN');
    }
    expect(await openAudit(rec.id)).toBe(auditId);
    const other = await verdict(auditId, { verdict: 'confirmed' }, 'boss2');
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    expect(other.body).toMatchObject({ verdict: 'confirmed', decidedBy: ids['boss2'] });
  });

  it('gives exactly one verdict to concurrent ones: two fakes, and a fake against a confirm', async () => {
    for (const [first, second] of [
      ['fake', 'fake'],
      ['fake', 'confirmed'],
    ] as const) {
      const rec = await owned(`Contested ${first}/${second}`);
      await advance({ hours: 1 });
      expect((await followUp(rec.id, `dropped by the office ${AUDIT_ME}`)).status).toBe(200);
      const auditId = await openAudit(rec.id);
      const seqBefore = Number(
        (await t.app.db('records').where({ id: rec.id }).first('seq'))!.seq as number,
      );
      const replies = await Promise.all([
        verdict(auditId, { verdict: first }, 'boss'),
        verdict(auditId, { verdict: second }, 'boss2'),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = replies.find((r) => r.status === 200)!.body as { verdict: string };
      const loser = replies.find((r) => r.status === 409)!.body;
      expect(loser.error.code).toBe('POOL_ERR_AUDIT_CLOSED');
      const audits = await t.app.db('history').where({ record_id: rec.id, event_type: 'AUDIT' });
      const seqAfter = Number(
        (await t.app.db('records').where({ id: rec.id }).first('seq'))!.seq as number,
      );
      // A fake verdict writes one step (the timer restored once); a confirmed one none.
      expect(audits).toHaveLength(winner.verdict === 'fake' ? 1 : 0);
      expect(seqAfter - seqBefore).toBe(winner.verdict === 'fake' ? 1 : 0);
    }
  });
});

describe.each(backends)('audit sampling (%s)', (backend) => {
  let t: TestApp;
  let ids: Record<string, string>;
  const RATE = 0.1;
  const RECORDS = 400;
  const PER_RECORD = 10;

  beforeAll(async () => {
    t = await build(backend);
    ({ ids } = await crmPool(t, { rep: {} }));
    // One rep owns all 400 records: past the template's private-pool cap (200), so it is lifted here.
    const sampled = auditedPolicy('crm-sampled', RATE);
    const claim = { ...(sampled['claim'] as object), maxOwned: RECORDS };
    await publishPool(t, { ...sampled, claim }, 'sampled', [ids['rep']!]);
  });
  afterAll(() => t.close());

  it('samples exactly the follow-ups the engine draws among 4,000, at the policy rate', async () => {
    const actor = { id: ids['rep']!, roles: ['member'], poolRoles: { sampled: 'member' } };
    const records: string[] = [];
    for (let i = 0; i < RECORDS; i += 100) {
      const rows = await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          t.app.records.create('sampled', { name: `Lead ${i + j}` }, actor.id, actor),
        ),
      );
      records.push(...rows.map((r) => r.row.id));
    }
    for (let round = 0; round < PER_RECORD; round++) {
      await Promise.all(
        records.map((id) =>
          t.app.records.send(
            'sampled',
            id,
            {
              type: 'FOLLOW_UP',
              payload: { channel: 'visit', note: `round ${round}: went through the offer` },
            },
            actor,
          ),
        ),
      );
    }
    const n = RECORDS * PER_RECORD;
    // Exactly the follow-ups the engine's draw picks (seq 1 is the CREATE, the follow-ups 2..11): the
    // runtime samples what the simulator does. A bound of 3.29 standard deviations on the count alone
    // failed one run in a thousand (64 off against 62.4, CI of stop 42), as such a bound does.
    const expected = records
      .flatMap((id) =>
        Array.from({ length: PER_RECORD }, (_, k) => ({ id, seq: k + 2 })).filter(
          ({ id, seq }) => auditDraw(id, seq) < RATE,
        ),
      )
      .map(({ id, seq }) => `${id}:${seq}`)
      .sort();
    const rows = await t.app.db('audits').where({ pool_key: 'sampled' }).select('record_id', 'seq');
    const sampled = rows.map((r) => `${String(r.record_id)}:${Number(r.seq)}`).sort();
    expect(sampled).toEqual(expected);
    // At the policy rate: 10 standard deviations of Binomial(n, RATE) (a miss about 1 in 10^23).
    expect(Math.abs(sampled.length - n * RATE)).toBeLessThanOrEqual(
      10 * Math.sqrt(n * RATE * (1 - RATE)),
    );
    const reasons = await t.app.db('audits').where({ pool_key: 'sampled' }).distinct('reason');
    expect(reasons).toEqual([{ reason: 'sample' }]);
  });
});
