// Horizontal bars with a label and value per row; several series per row are drawn side by side
// (claims per user; total / pooled / converted per industry).
import { niceMax, scale } from './chart-scale.js';
import { ChartFrame, LegendItem } from './chart-frame.js';
import { useWidth } from './use-width.js';

export interface BarSeries {
  key: string;
  label: string;
  colour: string;
}

const LABEL = 130;
const VALUE = 44;

export function BarList(props: {
  rows: { label: string; values: Record<string, number> }[];
  series: BarSeries[];
  testId: string;
}) {
  const { rows, series } = props;
  const [box, W] = useWidth<HTMLDivElement>(560);
  const bar = series.length > 1 ? 9 : 16;
  const rowH = bar * series.length + (series.length > 1 ? 18 : 10);
  const H = Math.max(rowH, rows.length * rowH) + 4;
  const max = niceMax(Math.max(0, ...rows.flatMap((r) => Object.values(r.values))));
  const x = scale(max, W - LABEL - VALUE);
  return (
    <ChartFrame
      box={box}
      width={W}
      height={H}
      testId={props.testId}
      legend={
        series.length > 1 &&
        series.map((s) => (
          <LegendItem key={s.key} colour={s.colour}>
            {s.label}
          </LegendItem>
        ))
      }
    >
      {rows.map((row, i) => {
        const top = i * rowH + 6;
        return (
          <g key={row.label}>
            <text
              x={LABEL - 8}
              y={top + (bar * series.length) / 2 + 4}
              textAnchor="end"
              className="bar-label"
            >
              {row.label.length > 18 ? `${row.label.slice(0, 17)}…` : row.label}
            </text>
            {series.map((s, k) => {
              const v = row.values[s.key] ?? 0;
              return (
                <g key={s.key}>
                  <rect
                    x={LABEL}
                    y={top + k * bar}
                    width={Math.max(v > 0 ? 2 : 0, x(v))}
                    height={bar - 2}
                    rx={2}
                    fill={s.colour}
                    data-testid={`${props.testId}-bar`}
                    data-series={s.key}
                    data-label={row.label}
                    data-value={v}
                  >
                    <title>{`${row.label} · ${s.label}: ${v}`}</title>
                  </rect>
                  <text
                    x={LABEL + Math.max(2, x(v)) + 5}
                    y={top + k * bar + bar - 3}
                    className="bar-value"
                  >
                    {v}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
    </ChartFrame>
  );
}
