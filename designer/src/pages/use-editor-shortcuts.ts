// Keyboard shortcuts of the editor; ignored while typing in a field.
import { useEffect, useRef } from 'react';

export interface EditorShortcuts {
  undo: () => void;
  redo: () => void;
  deleteSelection: () => void;
  addState: () => void;
  rename: () => void;
  autoLayout: () => void;
  fitView: () => void;
  clearSelection: () => void;
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useEditorShortcuts(actions: EditorShortcuts): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || document.querySelector('[role=dialog]')) return;
      const a = ref.current;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      let handled = true;
      if (mod && key === 'z') {
        if (e.shiftKey) a.redo();
        else a.undo();
      } else if (mod && key === 'y') a.redo();
      else if (mod || e.altKey) handled = false;
      else if (e.key === 'Delete' || e.key === 'Backspace') a.deleteSelection();
      else if (key === 'n') a.addState();
      else if (e.key === 'F2') a.rename();
      else if (key === 'l') a.autoLayout();
      else if (key === 'f') a.fitView();
      else if (e.key === 'Escape') a.clearSelection();
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
