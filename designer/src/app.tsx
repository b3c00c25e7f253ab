// The designer app: login, then the policy list or the editor of one policy.
import { useEffect, useState } from 'react';
import { logout, storedUser, type User } from './api/auth.api.js';
import { hasToken, onUnauthorized } from './api/client.js';
import { EditorPage } from './pages/editor-page.js';
import { LoginPage } from './pages/login-page.js';
import { PoliciesPage } from './pages/policies-page.js';
import { TopBar } from './pages/top-bar.js';
import { useHashRoute } from './pages/use-hash-route.js';

export function App() {
  const [user, setUser] = useState<User | null>(() => (hasToken() ? storedUser() : null));
  const route = useHashRoute();
  useEffect(() => onUnauthorized(() => setUser(null)), []);

  if (!user) return <LoginPage onLogin={setUser} />;
  const signOut = () => {
    logout();
    setUser(null);
  };
  return (
    <div className="app">
      <TopBar user={user} onLogout={signOut} />
      {route.page === 'editor' ? (
        <EditorPage key={route.policyId} policyId={route.policyId} />
      ) : (
        <PoliciesPage />
      )}
    </div>
  );
}
