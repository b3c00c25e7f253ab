// @vitest-environment jsdom
// Contact limits in the workspace: the follow-up dialog says when the chosen channel's next contact is
// allowed (the record's nextContactAt), a 422 POOL_ERR_CONTACT_LIMIT reads the same way instead of its
// code, and a window that has passed blocks nothing.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/client.js';
import type { RecordDetail } from '../src/api/records.api.js';
import { makeI18n } from '../src/i18n/i18n.js';
import { refusalOf } from '../src/workspace/claim-refusal.js';
import { blockedChannels, NextContact } from '../src/workspace/contact-limit.js';
import { EventDialog } from '../src/workspace/event-dialog.js';
import { ownedRecord, stubFetch, TestWorkspace as Workspace } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

// Far ahead of any test run's clock: the window is still full.
const UNTIL = '2099-03-04T02:00:00.000Z';
const record = ownedRecord({
  seq: 2,
  nextContactAt: { call: UNTIL, visit: '2000-01-01T00:00:00.000Z' },
});

const pick = (label: string) => {
  const select = document.querySelector<HTMLSelectElement>('#event-FOLLOW_UP_channel')!;
  const option = [...select.options].find((o) => o.textContent === label)!;
  fireEvent.change(select, { target: { value: option.value } });
};

describe('contact limits in the workspace', () => {
  it('blocks only channels whose window is still full', () => {
    expect(blockedChannels(record, Date.now())).toEqual([{ channel: 'call', until: UNTIL }]);
    expect(blockedChannels(record, Date.parse(UNTIL))).toEqual([]);
    expect(blockedChannels({}, Date.now())).toEqual([]);
  });

  it('says when the next call is allowed once call is chosen, not for another channel', () => {
    render(
      <Workspace>
        <EventDialog record={record} type="FOLLOW_UP" onClose={() => undefined} onDone={vi.fn()} />
      </Workspace>,
    );
    expect(screen.queryByTestId('next-contact')).toBeNull();
    pick('call');
    const line = screen.getByTestId('next-contact');
    expect(line.textContent).toBe('☎ Next call allowed from 4 Mar 2099, 10:00');
    expect(screen.getByTestId('next-contact-until').getAttribute('dateTime')).toBe(UNTIL);
    pick('email');
    expect(screen.queryByTestId('next-contact')).toBeNull();
  });

  it('shows a refused call in the same words, with its time, instead of the code', async () => {
    stubFetch(() => ({
      status: 422,
      body: {
        error: {
          code: 'POOL_ERR_CONTACT_LIMIT',
          message: 'this record had 1 call contact(s) in the window (limit 1)',
          details: { channel: 'call', until: UNTIL, limit: 1 },
        },
      },
    }));
    // A list item has no nextContactAt: the refusal is the first word of the limit.
    const listed: RecordDetail = { ...record };
    delete listed.nextContactAt;
    render(
      <Workspace>
        <EventDialog record={listed} type="FOLLOW_UP" onClose={() => undefined} onDone={vi.fn()} />
      </Workspace>,
    );
    pick('call');
    fireEvent.change(document.querySelector('#event-FOLLOW_UP_note')!, {
      target: { value: 'called about the renewal' },
    });
    fireEvent.click(screen.getByTestId('event-submit'));
    const error = await screen.findByTestId('event-error');
    expect(error.textContent).toBe(
      'This record was contacted by call recently: the next call is allowed from 4 Mar 2099, 10:00.',
    );
    expect(error.getAttribute('data-until')).toBe(UNTIL);
    expect(error.textContent).not.toContain('POOL_ERR');
  });

  it('reads in Chinese with the channel’s Chinese name', async () => {
    const zh = makeI18n('zh');
    const refusal = refusalOf(
      new ApiError(422, 'POOL_ERR_CONTACT_LIMIT', 'x', { channel: 'call', until: UNTIL }),
      zh,
      { timeZone: 'Asia/Shanghai' },
    );
    expect(refusal.text).toBe('该记录最近已被电话联系过：2099年3月4日 10:00 起才可再次电话联系。');
    render(
      <Workspace lang="zh">
        <NextContact blocked={[{ channel: 'call', until: UNTIL }]} />
      </Workspace>,
    );
    await waitFor(() =>
      expect(screen.getByTestId('next-contact').textContent).toBe(
        '☎ 2099年3月4日 10:00 起才可再次电话联系',
      ),
    );
  });
});
