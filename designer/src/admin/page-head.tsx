// The head of an administration page: its title and what it is for, with the page's buttons beside them.
import type { ReactNode } from 'react';

export function PageHead(props: { title: string; hint: string; children?: ReactNode }) {
  return (
    <div className="page-head">
      <div>
        <h2>{props.title}</h2>
        <p className="muted">{props.hint}</p>
      </div>
      {props.children}
    </div>
  );
}
