// The editor's toolbar: policy name, draft status, canvas tools, undo/redo, JSON, publish.
import type { Policy } from '@poolflow/engine';
import { useRef } from 'react';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import type { SaveStatus } from './use-autosave.js';

export interface ToolbarProps {
  policy: Policy;
  latestVersion: number;
  status: SaveStatus;
  /** Why the draft was not saved (the runtime's refusal or a failed request). */
  saveError: unknown;
  canUndo: boolean;
  canRedo: boolean;
  problems: number;
  onAddState: () => void;
  onAutoLayout: () => void;
  onFitView: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onImport: (text: string) => void;
  onExport: () => void;
  onPublish: () => void;
  /** Opens the rollout of the latest version to the pools still on older ones. */
  onRollout: () => void;
}

export function EditorToolbar(p: ToolbarProps) {
  const i18n = useI18n();
  const { t, text } = i18n;
  const file = useRef<HTMLInputElement>(null);
  const statusText =
    p.status === 'error'
      ? t('saveFailed', { message: refusalWords(p.saveError, i18n, { policy: p.policy }) })
      : p.status === 'saved'
        ? t('saved')
        : t('saving');
  return (
    <div className="toolbar">
      <div className="toolbar-title">
        <a href="#/" className="muted">
          {t('back')}
        </a>
        <span className="muted">/</span>
        <strong data-testid="policy-title">{text(p.policy.name, p.policy.id)}</strong>
        <span className={p.latestVersion > 0 ? 'badge ok' : 'badge'} data-testid="latest-version">
          {p.latestVersion > 0
            ? t('latestVersion', { version: p.latestVersion })
            : t('unpublished')}
        </span>
        <span
          className={`save-status ${p.status}`}
          data-testid="save-status"
          data-status={p.status}
        >
          {statusText}
        </span>
      </div>
      <div className="toolbar-tools">
        <button
          type="button"
          className="btn"
          onClick={p.onAddState}
          data-testid="add-state"
          title="N"
        >
          + {t('addState')}
        </button>
        <button
          type="button"
          className="btn"
          onClick={p.onAutoLayout}
          data-testid="auto-layout"
          title="L"
        >
          {t('autoLayout')}
        </button>
        <button
          type="button"
          className="btn"
          onClick={p.onFitView}
          data-testid="fit-view"
          title="F"
        >
          {t('fitView')}
        </button>
        <span className="divider" />
        <button
          type="button"
          className="btn icon"
          onClick={p.onUndo}
          disabled={!p.canUndo}
          data-testid="undo"
          title={`${t('undo')} (Ctrl+Z)`}
        >
          ↶
        </button>
        <button
          type="button"
          className="btn icon"
          onClick={p.onRedo}
          disabled={!p.canRedo}
          data-testid="redo"
          title={`${t('redo')} (Ctrl+Y)`}
        >
          ↷
        </button>
        <span className="divider" />
        <button
          type="button"
          className="btn"
          onClick={() => file.current?.click()}
          data-testid="import-json"
        >
          {t('importJson')}
        </button>
        <input
          ref={file}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="import-file"
          onChange={(e) => {
            const chosen = e.target.files?.[0];
            if (chosen) void chosen.text().then(p.onImport);
            e.target.value = '';
          }}
        />
        <button type="button" className="btn" onClick={p.onExport} data-testid="export-json">
          {t('exportJson')}
        </button>
        {p.latestVersion > 0 && (
          <button
            type="button"
            className="btn"
            onClick={p.onRollout}
            title={t('rolloutButtonHint')}
            data-testid="rollout-open"
          >
            {t('rolloutButton')}
          </button>
        )}
        <button
          type="button"
          className="btn primary"
          onClick={p.onPublish}
          disabled={p.problems > 0}
          title={p.problems > 0 ? t('publishBlocked') : undefined}
          data-testid="publish"
        >
          {t('publish')}
        </button>
      </div>
    </div>
  );
}
