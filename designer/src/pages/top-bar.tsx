// Application header: brand, language switch, signed-in user.
import type { User } from '../api/auth.api.js';
import { useI18n } from '../i18n/i18n.js';

export function TopBar({ user, onLogout }: { user: User; onLogout: () => void }) {
  const { t, lang, setLang } = useI18n();
  return (
    <header className="top-bar">
      <a className="brand" href="#/">
        <span className="brand-mark">◎</span> {t('appName')}
      </a>
      <nav className="top-nav">
        <a href="#/">{t('policies')}</a>
      </nav>
      <div className="top-bar-right">
        <button
          type="button"
          className="btn ghost"
          data-testid="lang-switch"
          onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}
        >
          {t('language')}
        </button>
        <span className="user-chip" data-testid="current-user">
          {user.displayName ?? user.username ?? user.id}
        </span>
        <button type="button" className="btn ghost" onClick={onLogout}>
          {t('logout')}
        </button>
      </div>
    </header>
  );
}
