// A coloured status label; the colour repeats what the text says and is never the only signal.
import type { ReactNode } from "react";

export type Tone = "good" | "warn" | "bad" | "info" | "neutral";

export function Badge(props: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge badge-${props.tone}`} data-testid={props.testId}>
      {props.children}
    </span>
  );
}
