// Browser entry: mounts the designer.
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import 'react-querybuilder/dist/query-builder.css';
import './styles.css';
import { App } from './app.js';
import { I18nProvider } from './i18n/i18n.js';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <I18nProvider>
      <App />
    </I18nProvider>,
  );
}
