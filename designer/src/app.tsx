// The app: login, then the pool workspace, or (admins) the policy list and the editor of one policy,
// and the administration pages (admins and department admins).
import { useEffect, useState } from 'react';
import { AdminPage } from './admin/admin-page.js';
import { mayAdminister } from './admin/admin-nav.js';
import { logout, storedUser, type User } from './api/auth.api.js';
import { hasToken, onUnauthorized } from './api/client.js';
import { EditorPage } from './pages/editor-page.js';
import { LoginPage } from './pages/login-page.js';
import { PoliciesPage } from './pages/policies-page.js';
import { TopBar } from './pages/top-bar.js';
import { useHashRoute } from './pages/use-hash-route.js';
import { WorkspacePage } from './workspace/workspace-page.js';

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
      <TopBar user={user} route={route} onLogout={signOut} />
      {route.page === 'admin' && mayAdminister(user) ? (
        <AdminPage me={user} section={route.section} pool={route.pool} tab={route.tab} />
      ) : route.page === 'editor' ? (
        <EditorPage key={route.policyId} policyId={route.policyId} />
      ) : route.page === 'workspace' || route.page === 'admin' || !mayAdminister(user) ? (
        // Policies are for admins and department admins: everyone else starts in the workspace.
        <WorkspacePage
          me={user}
          pool={route.page === 'workspace' ? route.pool : undefined}
          view={route.page === 'workspace' ? route.view : 'pool'}
          recordId={route.page === 'workspace' ? route.recordId : undefined}
        />
      ) : (
        <PoliciesPage />
      )}
    </div>
  );
}
