// What every workspace screen knows: the signed-in user, the pool and its policy, who may manage it,
// the server's time, and how to name users, states, events and fields in the chosen language.
import { createContext, useCallback, useContext, useMemo, useRef, type ReactNode } from 'react';
import type { User } from '../api/auth.api.js';
import { getPoolPolicy, type Pool, type PoolPolicy } from '../api/pools.api.js';
import type { RefusalNames } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { poolWords, type PoolWords } from './claim-refusal.js';
import { fieldLabelOf } from './field-labels.js';

export interface Workspace {
  me: User;
  pools: Pool[];
  pool: Pool;
  policy: PoolPolicy;
  /** May assign, move, import and see analytics: a manager, an admin, or an admin of this pool. */
  manager: boolean;
  admin: boolean;
  /** Now on the server's clock (a demo's manual clock may run ahead of the browser's). */
  now: () => number;
  /** "you" for oneself, "nobody (talent pool)" for no one, else the display name. */
  userName: (id: string | null | undefined) => string;
  /** The display name, also for oneself (reports). */
  personName: (id: string) => string;
  stateLabel: (state: string) => string;
  eventLabel: (type: string) => string;
  fieldTitle: (field: string) => string;
  /**
   * What a refusal worded by code names: a member by their name, a pool by its own; an id or key the
   * workspace does not know stays as sent (a typed import cell is not shortened as an id).
   */
  refusalNames: RefusalNames;
  /** The pool's words for a claim and for itself, for buttons and messages: `t(key, words)`. */
  words: PoolWords;
  /** The policy version a record runs on (records keep the version they started with). */
  policyFor: (version: number) => Promise<PoolPolicy>;
  reload: () => void;
}

const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace outside a workspace');
  return value;
}

const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

export function isPoolManager(me: User, pool: Pool): boolean {
  if (me.roles.includes('admin') || me.roles.includes('manager')) return true;
  return pool.members.some((m) => m.userId === me.id && m.role === 'admin');
}

export function WorkspaceProvider(props: {
  me: User;
  pools: Pool[];
  pool: Pool;
  policy: PoolPolicy;
  clockOffset: number;
  reload: () => void;
  children: ReactNode;
}) {
  const { me, pools, pool, policy, clockOffset, reload } = props;
  const { lang, text, t } = useI18n();
  const versions = useRef(new Map<number, Promise<PoolPolicy>>());
  const policyFor = useCallback(
    (version: number) => {
      if (version === policy.policyVersion) return Promise.resolve(policy);
      let hit = versions.current.get(version);
      if (!hit) {
        hit = getPoolPolicy(pool.key, version);
        versions.current.set(version, hit);
      }
      return hit;
    },
    [pool.key, policy],
  );
  const value = useMemo((): Workspace => {
    const names = new Map(policy.members.map((m) => [m.userId, m.displayName || m.username]));
    const words = poolWords(policy, { t, lang });
    return {
      me,
      pools,
      pool,
      policy,
      manager: isPoolManager(me, pool),
      admin: me.roles.includes('admin'),
      now: () => Date.now() + clockOffset,
      userName: (id) => {
        if (!id) return t('nobody', words);
        if (id === me.id) return t('you');
        return names.get(id) ?? shortId(id);
      },
      personName: (id) =>
        names.get(id) ?? (id === me.id ? (me.displayName ?? t('you')) : shortId(id)),
      stateLabel: (state) => text(policy.states[state]?.label, state),
      eventLabel: (type) => text(policy.events[type]?.label, type),
      fieldTitle: (field) => fieldLabelOf(field, policy.entity.schema.properties[field], lang),
      refusalNames: {
        userName: (id) => names.get(id) ?? id,
        poolName: (key) => {
          const found = pools.find((p) => p.key === key);
          return found ? text(found.name, key) : key;
        },
      },
      words,
      policyFor,
      reload,
    };
  }, [me, pools, pool, policy, clockOffset, lang, text, t, policyFor, reload]);
  return <WorkspaceContext.Provider value={value}>{props.children}</WorkspaceContext.Provider>;
}
