// My own report: how many free copies are left, opening (or buying) a copy, reading it, and disputing an item.
import { useState } from "react";
import { apiJson } from "../../api/client.ts";
import type { Allowance, OwnReport } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { useAppState } from "../../app-state.ts";
import { LoadedView } from "../../components/loaded.tsx";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { type DisputeTarget, ReportView } from "../../components/report-view.tsx";
import { ScoreView } from "../../components/score-view.tsx";
import { Section } from "../../components/section.tsx";
import { formatMoney } from "../../format.ts";
import { useLabels } from "../../labels.ts";
import { DisputeDialog } from "./dispute-dialog.tsx";

export function MyReport(props: { report: OwnReport | null; onReport: (report: OwnReport) => void }) {
  const { t, locale } = useLabels();
  const { meta } = useAppState();
  const allowance = useApi<Allowance>("/v1/me/allowance");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState<DisputeTarget | null>(null);
  const [filed, setFiled] = useState(false);

  async function open(accept_price_minor: string | null) {
    setBusy(true);
    setError(undefined);
    try {
      const query = accept_price_minor === null ? "" : `?accept_price_minor=${accept_price_minor}`;
      props.onReport(await apiJson<OwnReport>(`/v1/me/report${query}`));
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
      allowance.reload();
    }
  }

  const copy = props.report;
  return (
    <>
      <Section title={t("personal.report.heading")} intro={t("personal.report.intro")} testId="my-report">
        <LoadedView loaded={allowance}>
          {(data) => {
            const price = formatMoney(
              data.price_after_free.price_minor,
              data.price_after_free.currency,
              locale,
            );
            return (
              <>
                <p className="allowance" data-testid="allowance">
                  {t("personal.report.freeLeft", {
                    left: data.free_copies_left_this_year,
                    total: data.free_copies_per_year,
                  })}
                </p>
                <div className="form-actions">
                  {data.free_copies_left_this_year > 0 ? (
                    <button
                      type="button"
                      className="button-primary"
                      disabled={busy}
                      onClick={() => void open(null)}
                    >
                      {t("personal.report.open")}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="button-primary"
                      disabled={busy}
                      onClick={() => void open(String(data.price_after_free.price_minor))}
                    >
                      {t("personal.report.buy", { price })}
                    </button>
                  )}
                </div>
              </>
            );
          }}
        </LoadedView>
        <ProblemNotice error={error} />
        {copy && (
          <p className="hint">
            {copy.charged
              ? t("personal.report.charged", {
                  price: formatMoney(copy.charged.price_minor, copy.charged.currency, locale),
                })
              : t("personal.report.opened")}
          </p>
        )}
        {filed && (
          <p className="notice notice-good" role="status" data-testid="dispute-filed">
            {t("personal.report.disputeFiled", { days: meta.dispute_deadline_days })}
          </p>
        )}
      </Section>
      {copy && copy.score !== undefined && <ScoreView score={copy.score} />}
      {copy && (
        <ReportView
          report={copy.report}
          onDispute={(chosen) => {
            setFiled(false);
            setTarget(chosen);
          }}
        />
      )}
      <DisputeDialog
        target={target}
        onClose={() => setTarget(null)}
        onFiled={() => {
          setTarget(null);
          setFiled(true);
        }}
      />
    </>
  );
}
