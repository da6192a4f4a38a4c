// Anomalies in the query pattern: volume spikes, harvesting, bursts on one person, lending around the bureau.
import type { Anomalies } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate } from "../../format.ts";
import { useLabels } from "../../labels.ts";

/** Evidence as short key=value pairs; nested values are written as JSON. */
function evidenceText(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(", ");
}

export function AnomaliesPanel() {
  const { t, label, locale } = useLabels();
  const loaded = useApi<Anomalies>("/v1/oversight/anomalies");
  return (
    <LoadedView loaded={loaded}>
      {(report) => (
        <Section
          title={t("regulator.anomalies.heading")}
          testId="anomalies"
          actions={
            <span className="muted">
              {t("regulator.anomalies.window", {
                from: formatDate(report.range.from, locale),
                to: formatDate(report.range.to, locale),
              })}
            </span>
          }
        >
          <ul className="stats">
            {Object.entries(report.by_kind).map(([kind, count]) => (
              <li key={kind} className={count > 0 ? "stat-bad" : undefined}>
                <span className="stat-value">{count}</span>
                <span className="stat-label">{label("anomaly", kind)}</span>
              </li>
            ))}
          </ul>
          <DataTable
            caption={t("regulator.anomalies.heading")}
            rows={report.items}
            rowKey={(row, index) => `${row.kind}-${row.institution_id}-${row.day}-${index}`}
            empty={t("regulator.anomalies.empty")}
            columns={[
              { header: t("regulator.anomalies.kind"), cell: (row) => label("anomaly", row.kind) },
              { header: t("regulator.anomalies.institution"), cell: (row) => row.institution_id ?? "—" },
              { header: t("regulator.anomalies.day"), cell: (row) => formatDate(row.day, locale) },
              {
                header: t("regulator.anomalies.rule"),
                cell: (row) => <span className="rule">{row.rule}</span>,
              },
              {
                header: t("regulator.anomalies.evidence"),
                cell: (row) => <span className="rule">{evidenceText(row.evidence)}</span>,
              },
            ]}
          />
        </Section>
      )}
    </LoadedView>
  );
}
