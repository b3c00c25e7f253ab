// Backups for admins (#/admin/backup): downloads the embedded database while the server runs, and says
// how to restore it; on PostgreSQL it names pg_dump instead.
import { useEffect, useState } from 'react';
import { databaseKind, downloadBackup } from '../api/backup.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { formatSize } from '../i18n/format-size.js';
import { useI18n } from '../i18n/i18n.js';
import { PageHead } from './page-head.js';

// The page's own strings (the shared message files belong to other pages).
const TEXT = {
  en: {
    title: 'Backup',
    hint: 'A copy of the whole embedded database (users, policies, pools, records, history), taken while the server runs. Requests wait while the copy is made.',
    download: 'Download backup',
    working: 'Making the backup…',
    done: 'Downloaded {name} ({size}).',
    restoreTitle: 'Restore',
    restore:
      'Stop the server, move the data folder (POOLFLOW_DATA_DIR, ./data) aside, then run the command below. It writes only into an empty or new folder.',
    postgres:
      'This server runs on PostgreSQL: back it up with PostgreSQL’s own tools (pg_dump, or base backups with WAL archiving).',
  },
  zh: {
    title: '备份',
    hint: '整个内置数据库（用户、策略、公海池、记录、历史）的副本，在服务运行时生成。生成期间请求会稍候。',
    download: '下载备份',
    working: '正在生成备份…',
    done: '已下载 {name}（{size}）。',
    restoreTitle: '恢复',
    restore:
      '先停止服务，把数据目录（POOLFLOW_DATA_DIR，默认 ./data）移到别处，再运行下面的命令。它只写入空目录或新目录。',
    postgres:
      '此服务运行在 PostgreSQL 上：请用 PostgreSQL 自带的工具备份（pg_dump，或基础备份加 WAL 归档）。',
  },
};

export function BackupPage() {
  const i18n = useI18n();
  const { lang } = i18n;
  const text = TEXT[lang === 'zh' ? 'zh' : 'en'];
  const [kind, setKind] = useState<'pglite' | 'postgres' | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [fileName, setFileName] = useState('poolflow-backup-….tar.gz');
  useEffect(() => {
    databaseKind().then(setKind, (e: unknown) => setError(e));
  }, []);

  const take = async () => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const { name, bytes } = await downloadBackup();
      setFileName(name);
      setMessage(text.done.replace('{name}', name).replace('{size}', formatSize(bytes)));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="backup-page" data-testid="backup-page">
      <PageHead title={text.title} hint={kind === 'postgres' ? text.postgres : text.hint}>
        {kind === 'pglite' && (
          <button
            type="button"
            className="btn primary"
            data-testid="backup-download"
            disabled={busy}
            onClick={() => void take()}
          >
            {busy ? text.working : text.download}
          </button>
        )}
      </PageHead>
      {error !== null && (
        <p className="error" role="alert">
          {refusalWords(error, i18n)}
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {kind === 'pglite' && (
        <section>
          <h3>{text.restoreTitle}</h3>
          <p className="muted">{text.restore}</p>
          <pre data-testid="backup-restore-command">npm run restore -- {fileName}</pre>
        </section>
      )}
    </div>
  );
}
