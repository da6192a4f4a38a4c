// The compliance board: each mandated platform's status, deadline, coverage and quality, with the rule that
// decided its status.
import type { ComplianceBoard, ComplianceStatus } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate, formatNumber, formatShare } from "../../format.ts";
import { useLabels } from "../../labels.ts";
import { ComplianceStatusBadge } from "./compliance-status.tsx";

const statuses: readonly ComplianceStatus[] = [
  "compliant",
  "furnishing",
  "onboarding",
  "not_started",
  "lapsed",
];

export function ComplianceBoardPanel() {
  const { t, label, locale } = useLabels();
  const loaded = useApi<ComplianceBoard>("/v1/oversight/compliance");
  return (
    <Section title={t("regulator.compliance.heading")} intro={t("regulator.compliance.intro")} testId="board">
      <LoadedView loaded={loaded}>
        {(board) => (
          <>
            <ul className="stats">
              {statuses.map((status) => (
                <li key={status} className={(board.counts[status] ?? 0) > 0 ? `stat-${status}` : undefined}>
                  <span className="stat-value">{board.counts[status] ?? 0}</span>
                  <span className="stat-label">{label("complianceStatus", status)}</span>
                </li>
              ))}
            </ul>
            <DataTable
              caption={t("regulator.compliance.heading")}
              rows={board.items}
              rowKey={(row) => row.institution_id}
              empty={t("regulator.compliance.empty")}
              testId="board-table"
              columns={[
                { header: t("regulator.compliance.platform"), cell: (row) => <strong>{row.name}</strong> },
                {
                  header: t("regulator.compliance.status"),
                  cell: (row) => <ComplianceStatusBadge status={row.status} />,
                },
                {
                  header: t("regulator.compliance.deadline"),
                  cell: (row) => (
                    <>
                      {formatDate(row.deadline, locale)}
                      <br />
                      <span className={row.late ? "text-bad" : "muted"}>
                        {row.days_to_deadline >= 0
                          ? t("regulator.compliance.daysLeft", { days: row.days_to_deadline })
                          : t("regulator.compliance.daysLate", { days: -row.days_to_deadline })}
                      </span>
                    </>
                  ),
                },
                {
                  header: t("regulator.compliance.coverage"),
                  cell: (row) => (
                    <div className="meter-cell">
                      <meter
                        min={0}
                        max={1}
                        low={board.thresholds.coverage_min ?? 0.8}
                        optimum={1}
                        value={Math.min(row.coverage, 1)}
                        aria-label={`${t("regulator.compliance.coverage")} ${row.name}`}
                      />
                      <span>
                        {formatShare(row.coverage, locale)}
                        <span className="muted">
                          {" "}
                          ·{" "}
                          {t("regulator.compliance.coverageOf", {
                            furnished: formatNumber(row.subjects_furnished, locale),
                            declared: formatNumber(row.active_users_declared, locale),
                          })}
                        </span>
                      </span>
                    </div>
                  ),
                },
                {
                  header: t("regulator.compliance.rejected"),
                  numeric: true,
                  cell: (row) => formatShare(row.rejected_share, locale, 2),
                },
                {
                  header: t("regulator.compliance.lastAccepted"),
                  cell: (row) => formatDate(row.last_accepted_at, locale),
                },
                {
                  header: t("regulator.compliance.rule"),
                  cell: (row) => <span className="rule">{row.rule}</span>,
                },
              ]}
            />
          </>
        )}
      </LoadedView>
    </Section>
  );
}
