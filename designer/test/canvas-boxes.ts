// On-screen boxes of the editor canvas, its edge labels and its states, for the Chromium tests that
// check what the canvas shows (nothing cut off, nothing on top of anything else).
import type { Page } from 'playwright-core';

export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The canvas, its edge labels (named by test id, else text) and its states (by state id). */
export function canvasBoxes(page: Page): Promise<{ canvas: Box; labels: Box[]; nodes: Box[] }> {
  return page.evaluate(() => {
    const box = (el: Element, id: string) => {
      const r = el.getBoundingClientRect();
      return { id, x: r.x, y: r.y, width: r.width, height: r.height };
    };
    return {
      canvas: box(document.querySelector('[data-testid=canvas]') as Element, 'canvas'),
      labels: [...document.querySelectorAll('.edge-label')].map((el) =>
        box(el, el.getAttribute('data-testid') ?? el.textContent ?? ''),
      ),
      nodes: [...document.querySelectorAll('.react-flow__node')].map((el) =>
        box(el, el.getAttribute('data-id') ?? ''),
      ),
    };
  });
}

export const overlap = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Points every 8px along the edges' lines, on screen, each named by its edge. */
export function edgeLinePoints(page: Page): Promise<{ id: string; x: number; y: number }[]> {
  return page.evaluate(() => {
    const points: { id: string; x: number; y: number }[] = [];
    for (const path of document.querySelectorAll<SVGPathElement>('path.react-flow__edge-path')) {
      const id = path.closest('.react-flow__edge')?.getAttribute('data-id') ?? '';
      const matrix = path.getScreenCTM();
      if (!matrix) continue;
      for (let at = 0; at <= path.getTotalLength(); at += 8) {
        const p = path.getPointAtLength(at).matrixTransform(matrix);
        points.push({ id, x: p.x, y: p.y });
      }
    }
    return points;
  });
}
