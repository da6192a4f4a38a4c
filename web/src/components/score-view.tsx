// A score in words: the number, the chance of trouble it stands for, and the reasons that hold it down, each of
// which says what would raise it.
import type { Score } from "../api/types.ts";
import { formatShare } from "../format.ts";
import { useLabels } from "../labels.ts";
import { Section } from "./section.tsx";

export function ScoreView(props: { score: Score | undefined }) {
  const { t, locale } = useLabels();
  const score = props.score;
  return (
    <Section title={t("report.score")} testId="score">
      {score?.score === undefined ? (
        <p className="notice notice-info">{t("report.noScore")}</p>
      ) : (
        <>
          <p className="score-figure">{t("report.scoreValue", { score: score.score })}</p>
          {score.pd !== undefined && <p>{t("report.pd", { pd: formatShare(score.pd, locale) })}</p>}
          <h3>{t("report.reasons")}</h3>
          {score.reasons && score.reasons.length > 0 ? (
            <ol className="reasons">
              {score.reasons.map((reason) => (
                <li key={reason.code}>
                  {locale === "zh-CN" ? reason.zh : reason.en} <code>{reason.code}</code>
                </li>
              ))}
            </ol>
          ) : (
            <p>{t("report.noReasons")}</p>
          )}
        </>
      )}
    </Section>
  );
}
