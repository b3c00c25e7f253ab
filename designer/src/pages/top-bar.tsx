// Application header: brand, workspace, policies and administration, notifications, language switch,
// signed-in user.
import { mayAdminister } from '../admin/admin-nav.js';
import type { User } from '../api/auth.api.js';
import { useI18n } from '../i18n/i18n.js';
import { NotificationBell } from '../workspace/notification-bell.js';
import type { Route } from './use-hash-route.js';

export function TopBar(props: { user: User; route: Route; onLogout: () => void }) {
  const { user, onLogout, route } = props;
  const { t, lang, setLang } = useI18n();
  // Department admins design their department's policies too.
  const admin = mayAdminister(user);
  const inWorkspace = route.page === 'workspace';
  const inAdmin = route.page === 'admin';
  return (
    <header className="top-bar">
      <a className="brand" href={admin ? '#/' : '#/pools'}>
        <span className="brand-mark">◎</span> {t('appName')}
      </a>
      <nav className="top-nav">
        <a href="#/pools" className={inWorkspace ? 'active' : ''} data-testid="nav-workspace">
          {t('workspace')}
        </a>
        {mayAdminister(user) && (
          <a
            href="#/"
            className={inWorkspace || inAdmin ? '' : 'active'}
            data-testid="nav-policies"
          >
            {t('policies')}
          </a>
        )}
        {mayAdminister(user) && (
          <a href="#/admin/users" className={inAdmin ? 'active' : ''} data-testid="nav-admin">
            {t('admin')}
          </a>
        )}
      </nav>
      <div className="top-bar-right">
        <NotificationBell />
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
