// The frame every chart draws in: a box measured for its pixel width, the SVG at that width, a legend.
import type { ReactNode, RefObject } from 'react';

export function ChartFrame(props: {
  box: RefObject<HTMLDivElement | null>;
  width: number;
  height: number;
  testId: string;
  children: ReactNode;
  legend?: ReactNode;
}) {
  const { width: W, height: H } = props;
  return (
    <div className="chart" ref={props.box}>
      <svg
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        className="chart-svg"
        role="img"
        data-testid={props.testId}
      >
        {props.children}
      </svg>
      {props.legend && <div className="legend">{props.legend}</div>}
    </div>
  );
}

/** One legend entry: a colour swatch and its label. */
export function LegendItem(props: { colour: string; children: ReactNode }) {
  return (
    <span className="legend-item">
      <i style={{ background: props.colour }} /> {props.children}
    </span>
  );
}
