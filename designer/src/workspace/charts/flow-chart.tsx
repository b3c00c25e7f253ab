// Inflow and outflow per day, stacked by kind: what came into the pool above the axis, what left below.
import { countAxis, kindColour, orderKinds, scale, shortNumber } from './chart-scale.js';
import { ChartFrame, LegendItem } from './chart-frame.js';
import { useWidth } from './use-width.js';

export interface FlowDay {
  day: string;
  inflow: Record<string, number>;
  outflow: Record<string, number>;
}

const H = 230;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export function FlowChart(props: {
  days: FlowDay[];
  kindLabel: (kind: string) => string;
  inLabel: string;
  outLabel: string;
}) {
  const { days } = props;
  const [box, W] = useWidth<HTMLDivElement>(760);
  const kinds = orderKinds(
    days.flatMap((d) => [...Object.keys(d.inflow), ...Object.keys(d.outflow)]),
  );
  const plotH = H - PAD.top - PAD.bottom;
  // Both sides read on one scale, set by the larger: whole counts, two steps each way.
  const ticks = countAxis(
    Math.max(0, ...days.map((d) => Math.max(sum(d.inflow), sum(d.outflow)))),
    2,
  );
  const max = ticks[ticks.length - 1];
  const y = scale(max, plotH / 2);
  const axis = PAD.top + plotH / 2;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, days.length);
  const bar = Math.max(2, Math.min(22, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(2, Math.floor(W / 90))));
  return (
    <ChartFrame
      box={box}
      width={W}
      height={H}
      testId="flow-chart"
      legend={
        <>
          <span className="legend-item">
            ▲ {props.inLabel} · ▼ {props.outLabel}
          </span>
          {kinds.map((kind) => (
            <LegendItem key={kind} colour={kindColour(kind)}>
              {props.kindLabel(kind)}
            </LegendItem>
          ))}
        </>
      }
    >
      {ticks.map((v) => (
        <g key={v} className="grid">
          <line x1={PAD.left} x2={W - PAD.right} y1={axis - y(v)} y2={axis - y(v)} />
          <line x1={PAD.left} x2={W - PAD.right} y1={axis + y(v)} y2={axis + y(v)} />
          <text x={PAD.left - 6} y={axis - y(v) + 4} textAnchor="end">
            {shortNumber(v)}
          </text>
          {v > 0 && (
            <text x={PAD.left - 6} y={axis + y(v) + 4} textAnchor="end">
              −{shortNumber(v)}
            </text>
          )}
        </g>
      ))}
      {days.map((d, i) => {
        const x = PAD.left + i * slot + (slot - bar) / 2;
        let up = axis;
        let down = axis;
        return (
          <g key={d.day}>
            {kinds.map((kind) => {
              const n = d.inflow[kind] ?? 0;
              if (!n) return null;
              up -= y(n);
              return (
                <rect
                  key={`in-${kind}`}
                  x={x}
                  y={up}
                  width={bar}
                  height={y(n)}
                  fill={kindColour(kind)}
                  data-testid="flow-bar"
                  data-dir="in"
                  data-kind={kind}
                  data-day={d.day}
                  data-value={n}
                >
                  <title>{`${d.day} · ${props.inLabel} · ${props.kindLabel(kind)}: ${n}`}</title>
                </rect>
              );
            })}
            {kinds.map((kind) => {
              const n = d.outflow[kind] ?? 0;
              if (!n) return null;
              const top = down;
              down += y(n);
              return (
                <rect
                  key={`out-${kind}`}
                  x={x}
                  y={top}
                  width={bar}
                  height={y(n)}
                  fill={kindColour(kind)}
                  opacity={0.75}
                  data-testid="flow-bar"
                  data-dir="out"
                  data-kind={kind}
                  data-day={d.day}
                  data-value={n}
                >
                  <title>{`${d.day} · ${props.outLabel} · ${props.kindLabel(kind)}: ${n}`}</title>
                </rect>
              );
            })}
            {i % labelEvery === 0 && (
              <text x={x + bar / 2} y={H - 8} textAnchor="middle" className="x-label">
                {d.day.slice(5)}
              </text>
            )}
          </g>
        );
      })}
      <line className="axis" x1={PAD.left} x2={W - PAD.right} y1={axis} y2={axis} />
    </ChartFrame>
  );
}
