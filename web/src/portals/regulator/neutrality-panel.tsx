// The neutrality report: the bureau's shareholders' queries checked against consents, who received whose data,
// and whether the disclosure log agrees with the inquiry records.
import type { Neutrality } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Badge } from "../../components/badge.tsx";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate, formatNumber, formatShare } from "../../format.ts";
import { useLabels } from "../../labels.ts";

export function NeutralityPanel() {
  const { t, locale } = useLabels();
  const loaded = useApi<Neutrality>("/v1/oversight/neutrality");
  return (
    <LoadedView loaded={loaded}>
      {(report) => (
        <>
          <Section
            title={t("regulator.neutrality.heading")}
            intro={t("regulator.neutrality.intro")}
            testId="neutrality"
            actions={
              <span className="muted">
                {t("regulator.neutrality.window", {
                  from: formatDate(report.window.from, locale),
                  to: formatDate(report.window.to, locale),
                })}
              </span>
            }
          >
            <p
              className={`notice ${report.log_proof.holds ? "notice-good" : "notice-bad"}`}
              data-testid="log-proof"
            >
              <strong>
                {report.log_proof.holds
                  ? t("regulator.neutrality.logProof")
                  : t("regulator.neutrality.logProofFails", { count: report.log_proof.violations_total })}
              </strong>
              <span className="notice-detail">
                {t("regulator.neutrality.logChecked", {
                  entries: formatNumber(report.log_proof.entries_checked, locale),
                  inquiries: formatNumber(report.log_proof.answered_inquiries, locale),
                })}
              </span>
            </p>
            <DataTable
              caption={t("regulator.neutrality.heading")}
              rows={report.shareholders}
              rowKey={(row) => row.institution_id}
              empty={t("app.none")}
              columns={[
                { header: t("regulator.neutrality.shareholder"), cell: (row) => <strong>{row.name}</strong> },
                {
                  header: t("regulator.neutrality.stake"),
                  numeric: true,
                  cell: (row) => formatShare(row.share_bp / 10_000, locale, 2),
                },
                {
                  header: t("regulator.neutrality.queries"),
                  numeric: true,
                  cell: (row) => row.queries.total,
                },
                {
                  header: t("regulator.neutrality.answered"),
                  numeric: true,
                  cell: (row) => row.queries.answered,
                },
                {
                  header: t("regulator.neutrality.refused"),
                  numeric: true,
                  cell: (row) => row.queries.refused,
                },
                {
                  header: t("regulator.neutrality.violations"),
                  numeric: true,
                  cell: (row) =>
                    row.queries.violations > 0 ? <Badge tone="bad">{row.queries.violations}</Badge> : "0",
                },
              ]}
            />
          </Section>
          <Section title={t("regulator.neutrality.volumes")}>
            <DataTable
              caption={t("regulator.neutrality.volumes")}
              rows={report.volumes}
              rowKey={(row) => `${row.lender_id}-${row.furnisher_id}`}
              empty={t("regulator.neutrality.noVolumes")}
              columns={[
                {
                  header: t("regulator.neutrality.lender"),
                  cell: (row) => (
                    <>
                      {row.lender_id}{" "}
                      {row.lender_is_shareholder && (
                        <Badge tone="warn">{t("regulator.neutrality.isShareholder")}</Badge>
                      )}
                    </>
                  ),
                },
                { header: t("regulator.neutrality.furnisher"), cell: (row) => row.furnisher_id },
                {
                  header: t("regulator.neutrality.disclosures"),
                  numeric: true,
                  cell: (row) => formatNumber(row.disclosures, locale),
                },
                {
                  header: t("regulator.neutrality.records"),
                  numeric: true,
                  cell: (row) => formatNumber(row.records, locale),
                },
              ]}
            />
          </Section>
        </>
      )}
    </LoadedView>
  );
}
