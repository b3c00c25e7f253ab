// Sign-in form.
import { useState, type FormEvent } from 'react';
import { login, type User } from '../api/auth.api.js';
import { ApiError } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';

export function LoginPage({ onLogin }: { onLogin: (user: User) => void }) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(username, password));
    } catch (e) {
      // 429: too many attempts for this username or address; the reply says for how many seconds.
      if (e instanceof ApiError && e.status === 429) {
        const seconds = (e.details as { retryAfter?: number } | undefined)?.retryAfter ?? 60;
        setError(t('loginRateLimited', { minutes: Math.ceil(seconds / 60) }));
      } else setError(t('loginFailed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <div className="login-brand">
          <span className="brand-mark">◎</span> {t('appName')}
        </div>
        <p className="muted">{t('appTagline')}</p>
        <label className="field">
          <span>{t('username')}</span>
          <input
            data-testid="login-username"
            value={username}
            autoComplete="username"
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('password')}</span>
          <input
            data-testid="login-password"
            type="password"
            value={password}
            autoComplete="current-password"
            autoFocus
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <div className="alert error" data-testid="login-error">
            {error}
          </div>
        )}
        <button
          className="btn primary wide"
          type="submit"
          disabled={busy}
          data-testid="login-submit"
        >
          {t('login')}
        </button>
        <button
          type="button"
          className="btn link"
          onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}
        >
          {t('language')}
        </button>
      </form>
    </div>
  );
}
