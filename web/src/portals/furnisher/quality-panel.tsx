// The furnisher's data quality: headline figures, lines accepted and rejected per month (chart), and rejections
// by code.
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { Quality } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { useInstitutionId } from "../../app-state.ts";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatMonth, formatNumber, formatShare } from "../../format.ts";
import { useLabels } from "../../labels.ts";

/** The share axis reaches at least 5%, the default share of rejected lines that fails a whole file. */
const share_axis_min = 0.05;

function QualityChart(props: { quality: Quality }) {
  const { t, locale } = useLabels();
  const data = props.quality.monthly.map((month) => ({
    month: formatMonth(month.month, locale),
    accepted: month.lines_accepted,
    rejected: month.lines_rejected,
    share:
      month.lines_accepted + month.lines_rejected > 0
        ? month.lines_rejected / (month.lines_accepted + month.lines_rejected)
        : 0,
  }));
  return (
    <figure className="chart" data-testid="quality-chart">
      <figcaption>
        <strong>{t("furnisher.quality.chartTitle")}</strong>
        <span className="visually-hidden">{t("furnisher.quality.chartDescription")}</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e5e7eb" vertical={false} />
          <XAxis dataKey="month" tick={{ fontSize: 12 }} />
          <YAxis
            yAxisId="lines"
            tickFormatter={(value: number) => formatNumber(value, locale)}
            tick={{ fontSize: 12 }}
          />
          <YAxis
            yAxisId="share"
            orientation="right"
            domain={[0, (max: number) => Math.max(share_axis_min, max)]}
            tickCount={6}
            tickFormatter={(value: number) => formatShare(value, locale, 1)}
            tick={{ fontSize: 12 }}
          />
          <Tooltip
            formatter={(value, name) =>
              name === t("furnisher.quality.rejectedShare")
                ? formatShare(Number(value), locale, 2)
                : formatNumber(Number(value), locale)
            }
          />
          <Legend />
          <Bar
            isAnimationActive={false}
            yAxisId="lines"
            dataKey="accepted"
            stackId="lines"
            maxBarSize={64}
            fill="#2563eb"
            name={t("furnisher.quality.acceptedLines")}
          />
          <Bar
            isAnimationActive={false}
            yAxisId="lines"
            dataKey="rejected"
            stackId="lines"
            maxBarSize={64}
            fill="#dc2626"
            name={t("furnisher.quality.rejectedLines")}
          />
          <Line
            isAnimationActive={false}
            yAxisId="share"
            dataKey="share"
            stroke="#92400e"
            strokeWidth={2}
            name={t("furnisher.quality.rejectedShare")}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function QualityPanel() {
  const { t, lineCode, locale } = useLabels();
  const id = useInstitutionId();
  const loaded = useApi<Quality>(`/v1/furnishers/${id}/quality`);
  return (
    <Section title={t("furnisher.quality.heading")} testId="quality">
      <LoadedView loaded={loaded}>
        {(quality) =>
          quality.submissions.total === 0 ? (
            <p className="empty">{t("furnisher.quality.empty")}</p>
          ) : (
            <>
              <ul className="stats">
                <li>
                  <span className="stat-value">{formatNumber(quality.submissions.total, locale)}</span>
                  <span className="stat-label">{t("furnisher.quality.submissions")}</span>
                </li>
                <li>
                  <span className="stat-value">{formatNumber(quality.lines.accepted, locale)}</span>
                  <span className="stat-label">{t("furnisher.quality.acceptedLines")}</span>
                </li>
                <li>
                  <span className="stat-value">{formatShare(quality.rejected_share, locale, 2)}</span>
                  <span className="stat-label">{t("furnisher.quality.rejectedShare")}</span>
                </li>
                <li>
                  <span className="stat-value">{formatShare(quality.subjects_matched_share, locale)}</span>
                  <span className="stat-label">{t("furnisher.quality.matched")}</span>
                </li>
                <li>
                  <span className="stat-value">
                    {quality.timeliness_days_mean === null
                      ? "—"
                      : t("furnisher.quality.timelinessDays", {
                          days: formatNumber(quality.timeliness_days_mean, locale),
                        })}
                  </span>
                  <span className="stat-label">{t("furnisher.quality.timeliness")}</span>
                </li>
              </ul>
              <QualityChart quality={quality} />
              <h3>{t("furnisher.submission.byCode")}</h3>
              <DataTable
                caption={t("furnisher.submission.byCode")}
                rows={Object.entries(quality.rejected_by_code).sort((a, b) => b[1] - a[1])}
                rowKey={([code]) => code}
                empty={t("furnisher.submission.noRejected")}
                columns={[
                  {
                    header: t("furnisher.submission.code"),
                    cell: ([code]) => <code className="code">{code}</code>,
                  },
                  { header: t("furnisher.submission.message"), cell: ([code]) => lineCode(code, code) },
                  {
                    header: t("furnisher.submission.rejected"),
                    numeric: true,
                    cell: ([, count]) => formatNumber(count, locale),
                  },
                ]}
              />
            </>
          )
        }
      </LoadedView>
    </Section>
  );
}
