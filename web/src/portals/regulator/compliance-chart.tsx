// Progress toward the deadline: each platform's coverage day by day, against the coverage the rule requires.
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { ComplianceBoard, ComplianceHistory } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate, formatDayShort, formatShare } from "../../format.ts";
import { useLabels } from "../../labels.ts";

/** Distinct colours with enough contrast on white for lines two pixels wide. */
const palette = ["#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4d7c0f"];

function chartRows(history: ComplianceHistory): Record<string, number | string>[] {
  const days = [...new Set(history.items.flatMap((item) => item.points.map((point) => point.day)))].sort();
  return days.map((day) => {
    const row: Record<string, number | string> = { day };
    for (const item of history.items) {
      const point = item.points.find((candidate) => candidate.day === day);
      if (point) row[item.institution_id] = Math.min(point.coverage, 1);
    }
    return row;
  });
}

/** The platforms' deadlines that fall on a day the chart shows. */
function deadlinesWithin(history: ComplianceHistory): string[] {
  const days = new Set(history.items.flatMap((item) => item.points.map((point) => point.day)));
  const deadlines = history.items.flatMap((item) => item.points.map((point) => point.deadline));
  return [...new Set(deadlines)].filter((deadline) => days.has(deadline));
}

export function ComplianceChart() {
  const { t, locale } = useLabels();
  const history = useApi<ComplianceHistory>("/v1/oversight/compliance/history");
  const board = useApi<ComplianceBoard>("/v1/oversight/compliance");
  const coverage_min = board.data?.thresholds.coverage_min ?? 0.8;
  return (
    <Section title={t("regulator.compliance.chartTitle")} intro={t("regulator.compliance.chartDescription")}>
      <LoadedView loaded={history}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="empty">{t("regulator.compliance.noHistory")}</p>
          ) : (
            <figure className="chart" data-testid="compliance-chart">
              <figcaption className="visually-hidden">
                {t("regulator.compliance.chartDescription")}
              </figcaption>
              <ResponsiveContainer width="100%" height={320}>
                <LineChart data={chartRows(data)} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                  <CartesianGrid stroke="#e5e7eb" vertical={false} />
                  <XAxis
                    dataKey="day"
                    tickFormatter={(day: string) => formatDayShort(day, locale)}
                    tick={{ fontSize: 12 }}
                  />
                  <YAxis
                    domain={[0, 1]}
                    tickFormatter={(value: number) => formatShare(value, locale, 0)}
                    tick={{ fontSize: 12 }}
                  />
                  <Tooltip
                    labelFormatter={(day) => formatDate(String(day), locale)}
                    formatter={(value) => formatShare(Number(value), locale)}
                  />
                  <Legend />
                  <ReferenceLine
                    y={coverage_min}
                    stroke="#111827"
                    strokeDasharray="6 4"
                    label={{
                      value: t("regulator.compliance.required", {
                        share: formatShare(coverage_min, locale, 0),
                      }),
                      position: "insideBottomRight",
                      fontSize: 12,
                    }}
                  />
                  {deadlinesWithin(data).map((deadline) => (
                    <ReferenceLine
                      key={deadline}
                      x={deadline}
                      stroke="#b91c1c"
                      strokeDasharray="2 3"
                      label={{
                        value: t("regulator.compliance.deadline"),
                        position: "insideTopLeft",
                        fontSize: 12,
                      }}
                    />
                  ))}
                  {data.items.map((item, index) => (
                    <Line
                      isAnimationActive={false}
                      key={item.institution_id}
                      type="linear"
                      dataKey={item.institution_id}
                      name={item.name}
                      stroke={palette[index % palette.length]}
                      strokeWidth={2}
                      dot={false}
                      connectNulls
                    />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </figure>
          )
        }
      </LoadedView>
    </Section>
  );
}
