// A value over days as a line with a soft area under it (pool size over time).
import { countAxis, scale, shortNumber } from './chart-scale.js';
import { ChartFrame } from './chart-frame.js';
import { useWidth } from './use-width.js';

const H = 200;
const PAD = { left: 40, right: 16, top: 14, bottom: 28 };

export function LineChart(props: { points: { day: string; value: number }[]; testId: string }) {
  const { points } = props;
  const [box, W] = useWidth<HTMLDivElement>(760);
  const ticks = countAxis(Math.max(0, ...points.map((p) => p.value)));
  const max = ticks[ticks.length - 1];
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = scale(max, plotH);
  const x = (i: number) =>
    PAD.left + (points.length > 1 ? (i / (points.length - 1)) * plotW : plotW / 2);
  const at = (i: number, v: number) => `${x(i).toFixed(1)},${(PAD.top + plotH - y(v)).toFixed(1)}`;
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${at(i, p.value)}`).join(' ');
  const area = points.length
    ? `${line} L${x(points.length - 1).toFixed(1)},${PAD.top + plotH} L${x(0).toFixed(1)},${PAD.top + plotH} Z`
    : '';
  const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(W / 90))));
  const last = points[points.length - 1];
  return (
    <ChartFrame box={box} width={W} height={H} testId={props.testId}>
      {ticks.map((v) => (
        <g key={v} className="grid">
          <line
            x1={PAD.left}
            x2={W - PAD.right}
            y1={PAD.top + plotH - y(v)}
            y2={PAD.top + plotH - y(v)}
          />
          <text x={PAD.left - 6} y={PAD.top + plotH - y(v) + 4} textAnchor="end">
            {shortNumber(v)}
          </text>
        </g>
      ))}
      <path d={area} className="line-area" />
      <path
        d={line}
        className="line-path"
        data-testid={`${props.testId}-path`}
        data-points={points.length}
      />
      {points.map((p, i) => (
        <circle
          key={p.day}
          cx={x(i)}
          cy={PAD.top + plotH - y(p.value)}
          r={points.length > 40 ? 1.5 : 3}
          className="line-point"
          data-day={p.day}
          data-value={p.value}
        >
          <title>{`${p.day}: ${p.value}`}</title>
        </circle>
      ))}
      {points.map((p, i) =>
        i % labelEvery === 0 ? (
          <text key={p.day} x={x(i)} y={H - 8} textAnchor="middle" className="x-label">
            {p.day.slice(5)}
          </text>
        ) : null,
      )}
      {last && (
        <text
          x={x(points.length - 1) - 6}
          y={PAD.top + plotH - y(last.value) - 8}
          textAnchor="end"
          className="value-label"
        >
          {last.value}
        </text>
      )}
    </ChartFrame>
  );
}
