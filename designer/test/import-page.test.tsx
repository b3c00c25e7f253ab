// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Pool } from '../src/api/pools.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ImportPage } from '../src/workspace/import-page.js';
import { WorkspaceProvider } from '../src/workspace/workspace-context.js';
import { CRM_POOL, crmPoolPolicy, ME } from './workspace-fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const pool: Pool = CRM_POOL;

describe('import page', () => {
  it('lists each column with its title and choices, and downloads the template and a Chinese export', async () => {
    const fetched: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string) => {
        fetched.push(url);
        return Promise.resolve(new Response('\uFEFFname\n', { status: 200 }));
      }),
    );
    vi.stubGlobal(
      'URL',
      Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }),
    );
    render(
      <I18nProvider lang="zh">
        <WorkspaceProvider
          me={ME}
          pools={[pool]}
          pool={pool}
          policy={crmPoolPolicy()}
          clockOffset={0}
          reload={() => undefined}
        >
          <ImportPage />
        </WorkspaceProvider>
      </I18nProvider>,
    );
    const fields = screen.getByTestId('import-fields');
    expect(fields.textContent).toContain('industry');
    // A choice as the value the file holds, with its Chinese name beside it.
    expect(fields.textContent).toContain('software（软件） / manufacturing（制造）');
    expect(fields.textContent).toContain('负责人');
    // The column a row cannot do without says so (the CRM's entity requires its name).
    const marked = [...fields.querySelectorAll('li')].filter((li) =>
      li.textContent?.includes('必填'),
    );
    expect(marked.map((li) => li.querySelector('code')?.textContent)).toEqual(['name']);
    fireEvent.click(screen.getByTestId('import-template'));
    fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() => expect(fetched).toHaveLength(2));
    expect(fetched[0]).toContain('/api/pools/crm/import-template');
    expect(fetched[1]).toContain('/api/pools/crm/export?format=csv&lang=zh');
  });
});
