// Pulls a report, a score or both under one of the lender's active consents, and shows the answer as a person
// would read it, with the log entry that records the disclosure.
import { type FormEvent, useEffect, useId, useState } from "react";
import { apiJson } from "../../api/client.ts";
import type { Consent, Product, QueryAnswer } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { LoadedView } from "../../components/loaded.tsx";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { ReportView } from "../../components/report-view.tsx";
import { ScoreView } from "../../components/score-view.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate, formatMoney } from "../../format.ts";
import { useLabels } from "../../labels.ts";
import { queryParameter } from "../../router.ts";

/** The products a consent's categories allow: a report needs account or alternative data, a score needs score. */
export function productsFor(consent: Consent): Product[] {
  const report = consent.categories.some((category) => category !== "score");
  const score = consent.categories.includes("score");
  return [
    ...(report ? (["report"] as const) : []),
    ...(score ? (["score"] as const) : []),
    ...(report && score ? (["report+score"] as const) : []),
  ];
}

function QueryForm(props: { consents: Consent[]; onAnswer: (answer: QueryAnswer) => void }) {
  const { t, label, locale } = useLabels();
  const id = useId();
  const active = props.consents.filter((consent) => consent.status === "active");
  const preselected = queryParameter("consent");
  const [consentId, setConsentId] = useState(
    active.find((consent) => consent.id === preselected)?.id ?? active[0]?.id ?? "",
  );
  const consent = active.find((candidate) => candidate.id === consentId);
  const products = consent ? productsFor(consent) : [];
  const [product, setProduct] = useState<Product>("report");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (products.length > 0 && !products.includes(product)) setProduct(products.at(-1) as Product);
  }, [products, product]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!consent) return;
    setBusy(true);
    setError(undefined);
    try {
      props.onAnswer(
        await apiJson<QueryAnswer>("/v1/reports", {
          body: { product, purpose: consent.purpose, consent_id: consent.id },
        }),
      );
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  }

  if (active.length === 0) return <p className="empty">{t("lender.query.noConsent")}</p>;
  return (
    <form className="form form-grid" onSubmit={submit}>
      <div className="field field-wide">
        <label htmlFor={`${id}-consent`}>{t("lender.query.consent")}</label>
        <select id={`${id}-consent`} value={consentId} onChange={(event) => setConsentId(event.target.value)}>
          {active.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.id} · {label("purpose", candidate.purpose)} · {label("mode", candidate.mode)} ·{" "}
              {formatDate(candidate.expires_at, locale)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-product`}>{t("lender.query.product")}</label>
        <select
          id={`${id}-product`}
          value={product}
          onChange={(event) => setProduct(event.target.value as Product)}
        >
          {products.map((value) => (
            <option key={value} value={value}>
              {label("product", value)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || !consent}>
          {t("lender.query.submit")}
        </button>
      </div>
      <div className="field-wide">
        <ProblemNotice error={error} />
      </div>
    </form>
  );
}

export function QueryPanel() {
  const { t, locale } = useLabels();
  const consents = useApi<{ items: Consent[] }>("/v1/consents");
  const [answer, setAnswer] = useState<QueryAnswer | null>(null);
  return (
    <>
      <Section title={t("lender.query.heading")} intro={t("lender.query.intro")} testId="query">
        <LoadedView loaded={consents}>
          {({ items }) => (
            <QueryForm
              consents={items}
              onAnswer={(value) => {
                setAnswer(value);
                consents.reload();
              }}
            />
          )}
        </LoadedView>
        {answer && (
          <p className="notice notice-good" role="status" data-testid="disclosed">
            {t("lender.query.disclosed", {
              entry: answer.disclosure.entry_id,
              price: formatMoney(answer.disclosure.price_minor, answer.disclosure.currency, locale),
            })}
          </p>
        )}
      </Section>
      {answer && answer.product !== "report" && <ScoreView score={answer.score} />}
      {answer?.report && <ReportView report={answer.report} />}
    </>
  );
}
