// A readable table: a caption for screen readers and right-aligned figures; on phones each row becomes a small
// card of labelled values (the labels come from the column headers; each value is wrapped in one element so that
// it stays beside its label).
import type { ReactNode } from "react";

export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => ReactNode;
  /** Figures line up on the right. */
  readonly numeric?: boolean;
}

export function DataTable<T>(props: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  empty: string;
  testId?: string;
}) {
  if (props.rows.length === 0) return <p className="empty">{props.empty}</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it.
    <section className="table-scroll" aria-label={props.caption} tabIndex={0}>
      <table data-testid={props.testId}>
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.header} scope="col" className={column.numeric ? "numeric" : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, index) => (
            <tr key={props.rowKey(row, index)}>
              {props.columns.map((column) => (
                <td
                  key={column.header}
                  className={column.numeric ? "numeric" : undefined}
                  data-label={column.header}
                >
                  <span className="cell-value">{column.cell(row)}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
