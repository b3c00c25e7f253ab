// The workspace runs CRM, HR and service-ticket pools: its own words fit all three, and what the
// templates name (notification kinds, tags, payload fields) reads in words in both languages.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyticsEn, analyticsZh } from '../src/i18n/analytics-messages.js';
import { auditEn, auditZh } from '../src/i18n/audit-messages.js';
import { notificationKindLabel } from '../src/i18n/editor-messages.js';
import { workspaceEn, workspaceZh } from '../src/i18n/workspace-messages.js';
import { importEn, importZh } from '../src/i18n/import-messages.js';
import { fieldLabel, tagLabel } from '../src/workspace/field-labels.js';

const root = join(import.meta.dirname, '..', '..', 'templates');
const templates = readdirSync(root).filter((d) => !d.endsWith('.json'));
const policy = (id: string): unknown =>
  JSON.parse(readFileSync(join(root, id, 'policy.json'), 'utf8')) as unknown;

/** Every action of the given type anywhere in a policy document, as its params. */
function actionParams(node: unknown, type: string, out: Record<string, unknown>[] = []) {
  if (Array.isArray(node)) node.forEach((n) => actionParams(n, type, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o['type'] === type && o['params'] && typeof o['params'] === 'object') {
      out.push(o['params'] as Record<string, unknown>);
    }
    Object.values(o).forEach((v) => actionParams(v, type, out));
  }
  return out;
}

describe('words of the workspace fit every template', () => {
  it('no CRM words (customer, sales, won deal) in the strings every pool shows', () => {
    const zh = { ...workspaceZh, ...importZh, ...analyticsZh, ...auditZh };
    const en = { ...workspaceEn, ...importEn, ...analyticsEn, ...auditEn };
    const crmZh = Object.entries(zh).filter(([, text]) => /客户|销售|成交|输单/.test(text));
    const crmEn = Object.entries(en).filter(([, text]) =>
      /customer|\bwon\b|\bwins\b|\blosses\b/i.test(text),
    );
    expect(crmZh).toEqual([]);
    expect(crmEn).toEqual([]);
  });

  it('says 公海 only as the generic word: the rest names the pool by its {pool} word', () => {
    const zh = { ...workspaceZh, ...importZh, ...analyticsZh, ...auditZh };
    const crmWord = Object.keys(zh).filter((key) => /公海|入海/.test(zh[key as keyof typeof zh]));
    // `pool`: the word of a pool without one of its own, and the pool picker's; `noPools`: none yet.
    expect(crmWord).toEqual(['pool', 'noPools']);
  });

  it('names each notification kind the templates send, in English and Chinese', () => {
    const kinds = new Set(
      templates.flatMap((id) => actionParams(policy(id), 'notify').map((p) => String(p['kind']))),
    );
    expect([...kinds]).toEqual(expect.arrayContaining(['sla-warning', 'sla-breach', 'reopened']));
    for (const kind of kinds) {
      expect(notificationKindLabel(kind, 'en'), kind).not.toBe(kind);
      expect(notificationKindLabel(kind, 'zh'), kind).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(notificationKindLabel('sla-breach', 'en')).toBe('SLA breached');
    expect(notificationKindLabel('sla-breach', 'zh')).toBe('超出响应时限');
  });

  it('names each tag the templates add in Chinese', () => {
    const tags = templates.flatMap((id) =>
      actionParams(policy(id), 'tag').map((p) => String(p['add'])),
    );
    expect(tags).toEqual(expect.arrayContaining(['reengage', 'escalated']));
    for (const tag of tags.filter((x) => x !== 'hard')) {
      expect(tagLabel(tag, 'zh'), tag).toMatch(/[\u4e00-\u9fff]/);
      expect(tagLabel(tag, 'en')).toBe(tag);
    }
  });

  it('calls a ticket response and a resolution by their meaning in Chinese, not a note', () => {
    expect(fieldLabel('note', 'Response', 'zh')).toBe('回复内容');
    expect(fieldLabel('note', 'Resolution', 'zh')).toBe('解决说明');
    expect(fieldLabel('note', 'Note', 'zh')).toBe('备注');
    expect(fieldLabel('userId', 'Recruiter', 'zh')).toBe('招聘专员');
    expect(fieldLabel('note', 'Response', 'en')).toBe('Response');
  });
});
