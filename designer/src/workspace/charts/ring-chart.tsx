// A share as a ring (conversion of records claimed from the pool).

export function RingChart(props: { value: number | null; label: string; testId: string }) {
  const r = 44;
  const c = 2 * Math.PI * r;
  const share = props.value === null ? 0 : Math.max(0, Math.min(1, props.value));
  return (
    <svg
      viewBox="0 0 120 120"
      className="ring"
      role="img"
      data-testid={props.testId}
      data-value={props.value ?? ''}
    >
      <circle cx={60} cy={60} r={r} className="ring-track" />
      {share > 0 && (
        <circle
          cx={60}
          cy={60}
          r={r}
          className="ring-value"
          strokeDasharray={`${(share * c).toFixed(2)} ${c.toFixed(2)}`}
          transform="rotate(-90 60 60)"
        />
      )}
      <text x={60} y={60} textAnchor="middle" className="ring-text">
        {props.value === null ? '—' : `${Math.round(share * 1000) / 10}%`}
      </text>
      <text x={60} y={78} textAnchor="middle" className="ring-label">
        {props.label}
      </text>
    </svg>
  );
}
