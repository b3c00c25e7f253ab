// Language context: t() for UI strings and text() for the policy's own {en, zh} texts.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, format, zh, type Lang, type MessageKey } from './messages.js';

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** A localized text of the policy: Chinese when chosen and present, else English. */
  text: (value: { en: string; zh?: string | undefined } | undefined, fallback?: string) => string;
}

const STORAGE_KEY = 'poolflow.lang';

function initialLang(): Lang {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return globalThis.navigator?.language?.startsWith('zh') ? 'zh' : 'en';
}

export function makeI18n(lang: Lang, setLang: (lang: Lang) => void = () => undefined): I18n {
  const dict = lang === 'zh' ? zh : en;
  return {
    lang,
    setLang,
    t: (key, vars) => format(dict[key], vars),
    text: (value, fallback = '') =>
      lang === 'zh' && value?.zh ? value.zh : (value?.en ?? fallback),
  };
}

const I18nContext = createContext<I18n>(makeI18n('en'));

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(fixed ?? initialLang());
  const value = useMemo(
    () =>
      makeI18n(lang, (next) => {
        globalThis.localStorage?.setItem(STORAGE_KEY, next);
        document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
        setLangState(next);
      }),
    [lang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
