// The policy editor: canvas, inspector, problems, simulator and versions around one draft.
import { validate, type Problem } from '@poolflow/engine';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { loadActionTypes, type ActionType } from '../api/actions.api.js';
import { getPolicy, publishPolicy, type PolicyDetail } from '../api/policies.api.js';
import { listPools } from '../api/pools.api.js';
import { autoLayout } from '../canvas/auto-layout.js';
import type { FocusRequest } from '../canvas/canvas-focus.js';
import { edgePoints, fitContent, labelRects, visibleRect } from '../canvas/canvas-bounds.js';
import { PolicyCanvas } from '../canvas/policy-canvas.js';
import {
  addState,
  deleteState,
  deleteTransition,
  freePosition,
  setLayout,
  NODE_SIZE,
} from '../canvas/policy-graph.js';
import {
  problemTargets,
  selectionForPointer,
  type Selection,
  type SettingsSection,
} from '../canvas/selection.js';
import { parseTransitionId } from '../canvas/transition-ref.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { ActionTypesContext } from '../inspector/action-types.js';
import { Inspector } from '../inspector/inspector.js';
import { ProblemsPanel } from '../inspector/problems-panel.js';
import type { LitPath, ScenarioFocus } from '../simulator/run-scenario.js';
import { SimulatorPanel } from '../simulator/simulator-panel.js';
import { VersionsPanel } from '../versions/versions-panel.js';
import { BottomPanel, type BottomTab } from './bottom-panel.js';
import { EditorToolbar } from './editor-toolbar.js';
import { exportPolicy, importProblem, parseImportedPolicy } from './json-io.js';
import { PublishDialog } from './publish-dialog.js';
import { RolloutDialog, poolsBehind } from './rollout-dialog.js';
import { useAutosave } from './use-autosave.js';
import { useEditorShortcuts } from './use-editor-shortcuts.js';
import { usePolicyHistory } from './use-policy-history.js';

export function EditorPage({ policyId }: { policyId: string }) {
  const [detail, setDetail] = useState<PolicyDetail | null>(null);
  const [actionTypes, setActionTypes] = useState<ActionType[] | null>(null);
  const i18n = useI18n();
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    getPolicy(policyId).then(setDetail, (e: unknown) => setError(e));
    void loadActionTypes().then(setActionTypes);
  }, [policyId]);
  if (error !== null) return <div className="alert error page">{refusalWords(error, i18n)}</div>;
  if (!detail || !actionTypes) return <div className="loading">…</div>;
  return (
    <ActionTypesContext.Provider value={actionTypes}>
      <ReactFlowProvider>
        <Editor detail={detail} />
      </ReactFlowProvider>
    </ActionTypesContext.Provider>
  );
}

function Editor({ detail }: { detail: PolicyDetail }) {
  const { t } = useI18n();
  const flow = useReactFlow();
  const history = usePolicyHistory(detail.draft);
  const { policy, update } = history;
  const save = useAutosave(policy);
  const validation = useMemo(() => validate(policy), [policy]);
  const targets = useMemo(() => problemTargets(policy, validation.problems), [policy, validation]);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [section, setSection] = useState<SettingsSection>('general');
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const [tab, setTab] = useState<BottomTab>('problems');
  const [lit, setLit] = useState<LitPath | null>(null);
  const [latestVersion, setLatestVersion] = useState(detail.latestVersion);
  const [versionsRefresh, setVersionsRefresh] = useState(0);
  const [publishing, setPublishing] = useState(false);
  const [rollout, setRollout] = useState<number | null>(null);
  // A saved scenario the publish gate refused on, to open in the simulator at its failing step.
  const [scenarioFocus, setScenarioFocus] = useState<ScenarioFocus | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice]);

  const select = useCallback((next: Selection | null) => {
    if (next?.kind === 'settings') {
      setSection(next.section);
      setSelection(null);
    } else setSelection(next);
  }, []);
  const pickProblem = (problem: Problem) => {
    const target = selectionForPointer(policy, problem.path);
    select(target);
    if (target.kind !== 'settings') setFocus({ selection: target, nonce: Date.now() });
  };
  const fitView = () => fitContent(flow);
  const layout = async () => {
    update(setLayout(policy, await autoLayout(policy)));
    requestAnimationFrame(fitView);
  };
  const newState = () => {
    // Near the middle of what the user is looking at, clear of the states and the edge labels, and
    // of the edges' lines where the view has room.
    const within = visibleRect(flow);
    const centre = within
      ? { x: within.x + within.width / 2, y: within.y + within.height / 2 }
      : { x: 0, y: 0 };
    const position = freePosition(
      policy,
      { x: centre.x - NODE_SIZE.width / 2, y: centre.y - NODE_SIZE.height / 2 },
      {
        labels: labelRects(flow),
        lines: within ? edgePoints(within) : [],
        ...(within ? { within } : {}),
      },
    );
    const added = addState(policy, { position });
    update(added.policy);
    select({ kind: 'state', name: added.name });
  };
  const deleteSelection = () => {
    if (selection?.kind === 'state') update(deleteState(policy, selection.name));
    if (selection?.kind === 'transition') {
      const ref = parseTransitionId(selection.id);
      if (ref) update(deleteTransition(policy, ref));
    }
    select(null);
  };
  useEditorShortcuts({
    undo: history.undo,
    redo: history.redo,
    deleteSelection,
    addState: newState,
    rename: () => {
      const input = document.querySelector<HTMLInputElement>(
        '[data-testid=state-name-input], [data-testid=transition-event-input]',
      );
      input?.focus();
      input?.select();
    },
    autoLayout: () => void layout(),
    fitView,
    clearSelection: () => select(null),
  });

  const publish = async (message: string, force: boolean) => {
    await save.flush();
    const { version } = await publishPolicy(policy.id, message, force);
    setLatestVersion(version);
    setVersionsRefresh((n) => n + 1);
    setTab('versions');
    // With no pool left on an older version there is nothing to roll out: close as before.
    const pools = await listPools().catch(() => []);
    if (poolsBehind(pools, policy.id, version).length === 0) {
      setPublishing(false);
      setNotice(t('published', { version }));
    }
    return version;
  };
  const importJson = (text: string) => {
    try {
      update(parseImportedPolicy(text, policy.id));
      // A notice of an earlier refused file no longer holds.
      setNotice(null);
      select(null);
      requestAnimationFrame(fitView);
    } catch (e) {
      setNotice(t('importFailed', { message: importProblem(e, t) }));
    }
  };

  return (
    <div className="editor" data-testid="editor">
      <EditorToolbar
        policy={policy}
        latestVersion={latestVersion}
        status={save.status}
        saveError={save.error}
        canUndo={history.canUndo}
        canRedo={history.canRedo}
        problems={validation.problems.length}
        onAddState={newState}
        onAutoLayout={() => void layout()}
        onFitView={fitView}
        onUndo={history.undo}
        onRedo={history.redo}
        onImport={importJson}
        onExport={() => exportPolicy(policy)}
        onPublish={() => setPublishing(true)}
        onRollout={() => setRollout(latestVersion)}
      />
      {notice && (
        <div className="notice" data-testid="notice" onClick={() => setNotice(null)}>
          {notice}
        </div>
      )}
      <div className="editor-body">
        <div className={`editor-main tab-${tab}`}>
          <PolicyCanvas
            policy={policy}
            selection={selection}
            lit={lit}
            problems={targets}
            focus={focus}
            onSelect={select}
            onChange={update}
          />
          <div className="shortcuts muted">{t('shortcuts')}</div>
          <BottomPanel
            tab={tab}
            onTab={setTab}
            problems={validation.problems.length}
            warnings={validation.warnings.length}
          >
            {tab === 'problems' && (
              <ProblemsPanel
                policy={policy}
                problems={validation.problems}
                warnings={validation.warnings}
                onPick={pickProblem}
              />
            )}
            {tab === 'simulator' && (
              <SimulatorPanel
                policy={policy}
                onChange={update}
                onPath={setLit}
                focus={scenarioFocus}
              />
            )}
            {tab === 'versions' && <VersionsPanel policy={policy} refresh={versionsRefresh} />}
          </BottomPanel>
        </div>
        <aside className="inspector" data-testid="inspector">
          <Inspector
            policy={policy}
            selection={selection}
            section={section}
            onSection={setSection}
            onSelect={select}
            onChange={update}
          />
        </aside>
      </div>
      {publishing && (
        <PublishDialog
          policyId={policy.id}
          policy={policy}
          warnings={validation.warnings}
          onPublish={publish}
          onOpenScenario={(failure) => {
            setPublishing(false);
            setTab('simulator');
            setScenarioFocus({
              index: failure.scenario.index,
              step: failure.step?.index ?? null,
              nonce: Date.now(),
            });
          }}
          onRollout={(version) => {
            setPublishing(false);
            setRollout(version);
          }}
          onClose={() => setPublishing(false)}
        />
      )}
      {rollout !== null && (
        <RolloutDialog policyId={policy.id} version={rollout} onClose={() => setRollout(null)} />
      )}
    </div>
  );
}
