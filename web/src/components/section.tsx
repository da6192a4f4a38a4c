// A titled card: every portal page is a column of these.
import { type ReactNode, useId } from "react";

export function Section(props: {
  title: string;
  intro?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  testId?: string;
}) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id} data-testid={props.testId}>
      <div className="card-head">
        <h2 id={id}>{props.title}</h2>
        {props.actions && <div className="card-actions">{props.actions}</div>}
      </div>
      {props.intro && <p className="intro">{props.intro}</p>}
      {props.children}
    </section>
  );
}
