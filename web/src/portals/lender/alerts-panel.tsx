// Alert subscriptions on existing customers, the webhook they are delivered to, and alerts that failed delivery.
// The panel says so plainly when the server has no alert feed.
import { type FormEvent, useId, useState } from "react";
import { ApiProblem, apiJson } from "../../api/client.ts";
import type { Consent, DeadLetter, LatestAlert, Subscription } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Badge } from "../../components/badge.tsx";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate, formatDateTime, formatNumber } from "../../format.ts";
import { useLabels } from "../../labels.ts";

/** Event types are dotted (delinquency.new); translation keys use underscores instead. */
function alertKey(type: string): string {
  return type.replace(/\./g, "_");
}

function SubscribeForm(props: { onSubscribed: () => void }) {
  const { t, label, locale } = useLabels();
  const id = useId();
  const consents = useApi<{ items: Consent[] }>("/v1/consents");
  const [consentId, setConsentId] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const eligible = (consents.data?.items ?? []).filter(
    (consent) =>
      consent.status === "active" &&
      consent.mode === "continuous" &&
      consent.purpose === "post_loan_management",
  );
  const chosen = consentId || eligible[0]?.id || "";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      await apiJson("/v1/subscriptions", { body: { consent_id: chosen } });
      props.onSubscribed();
    } catch (reason) {
      setError(reason);
    }
  }

  if (consents.data && eligible.length === 0) return <p className="empty">{t("lender.alerts.noConsent")}</p>;
  return (
    <form className="form form-inline" onSubmit={submit}>
      <div className="field">
        <label htmlFor={id}>{t("lender.alerts.consent")}</label>
        <select id={id} value={chosen} onChange={(event) => setConsentId(event.target.value)}>
          {eligible.map((consent) => (
            <option key={consent.id} value={consent.id}>
              {consent.id} · {label("purpose", consent.purpose)} · {formatDate(consent.expires_at, locale)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={!chosen}>
          {t("lender.alerts.subscribe")}
        </button>
      </div>
      <ProblemNotice error={error} />
    </form>
  );
}

function WebhookForm() {
  const { t, locale } = useLabels();
  const id = useId();
  const current = useApi<{ url: string; updated_at: string }>("/v1/webhooks");
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const missing = current.error instanceof ApiProblem && current.error.code === "WEBHOOK_NOT_REGISTERED";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const saved = await apiJson<{ secret: string }>("/v1/webhooks", { method: "PUT", body: { url } });
      setSecret(saved.secret);
      current.reload();
    } catch (reason) {
      setError(reason);
    }
  }

  return (
    <>
      <h3>{t("lender.alerts.webhook")}</h3>
      {current.data && (
        <p>
          <code>{current.data.url}</code> · {formatDateTime(current.data.updated_at, locale)}
        </p>
      )}
      {missing && <p className="notice notice-warn">{t("lender.alerts.noWebhook")}</p>}
      {current.error !== undefined && !missing && <ProblemNotice error={current.error} />}
      <form className="form form-inline" onSubmit={submit}>
        <div className="field">
          <label htmlFor={id}>{t("lender.alerts.webhookUrl")}</label>
          <input
            id={id}
            type="url"
            required
            maxLength={2048}
            placeholder="https://"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary">
            {t("lender.alerts.saveWebhook")}
          </button>
        </div>
      </form>
      {secret && (
        <p className="notice notice-warn" role="status">
          {t("lender.alerts.secret", { secret })}
        </p>
      )}
      <ProblemNotice error={error} />
    </>
  );
}

function LatestAlerts() {
  const { t, label, locale } = useLabels();
  const loaded = useApi<{ items: LatestAlert[] }>("/v1/alerts?limit=50");
  return (
    <>
      <h3>{t("lender.alerts.latest")}</h3>
      <LoadedView loaded={loaded}>
        {({ items }) => (
          <DataTable
            caption={t("lender.alerts.latest")}
            rows={items}
            rowKey={(row) => row.event.id}
            empty={t("lender.alerts.noLatest")}
            columns={[
              {
                header: t("lender.alerts.type"),
                cell: (row) => label("alertType", alertKey(row.event.type)),
              },
              { header: t("lender.alerts.time"), cell: (row) => formatDateTime(row.event.time, locale) },
              { header: t("lender.consent.id"), cell: (row) => <code>{row.event.consent_id}</code> },
              { header: t("lender.alerts.state"), cell: (row) => t(`lender.alerts.states.${row.state}`) },
            ]}
          />
        )}
      </LoadedView>
    </>
  );
}

function DeadLetters() {
  const { t, label, locale } = useLabels();
  const loaded = useApi<{ items: DeadLetter[] }>("/v1/webhooks/dead-letters");
  const [error, setError] = useState<unknown>(undefined);
  async function redeliver(letter: DeadLetter) {
    setError(undefined);
    try {
      await apiJson(`/v1/webhooks/dead-letters/${letter.event.id}/redeliver`, { method: "POST" });
      loaded.reload();
    } catch (reason) {
      setError(reason);
    }
  }
  return (
    <>
      <h3>{t("lender.alerts.failed")}</h3>
      <ProblemNotice error={error} />
      <LoadedView loaded={loaded}>
        {({ items }) => (
          <DataTable
            caption={t("lender.alerts.failed")}
            rows={items}
            rowKey={(row) => row.event.id}
            empty={t("lender.alerts.noFailed")}
            columns={[
              {
                header: t("lender.alerts.type"),
                cell: (row) => label("alertType", alertKey(row.event.type)),
              },
              { header: t("lender.alerts.time"), cell: (row) => formatDateTime(row.event.time, locale) },
              { header: t("lender.consent.id"), cell: (row) => <code>{row.event.consent_id}</code> },
              {
                header: t("lender.alerts.attempts"),
                numeric: true,
                cell: (row) => formatNumber(row.attempts, locale),
              },
              { header: t("lender.alerts.lastError"), cell: (row) => row.last_error ?? "—" },
              {
                header: "",
                cell: (row) => (
                  <button type="button" className="button-small" onClick={() => void redeliver(row)}>
                    {t("lender.alerts.redeliver")}
                  </button>
                ),
              },
            ]}
          />
        )}
      </LoadedView>
    </>
  );
}

export function AlertsPanel() {
  const { t, label, locale } = useLabels();
  const subscriptions = useApi<{ items: Subscription[] }>("/v1/subscriptions");
  const [error, setError] = useState<unknown>(undefined);
  if (subscriptions.error instanceof ApiProblem && subscriptions.error.code === "NOT_FOUND") {
    return (
      <Section title={t("lender.alerts.heading")} testId="alerts">
        <p className="notice notice-info">{t("app.unavailable")}</p>
      </Section>
    );
  }

  async function cancel(subscription: Subscription) {
    setError(undefined);
    try {
      await apiJson(`/v1/subscriptions/${subscription.id}`, { method: "DELETE" });
      subscriptions.reload();
    } catch (reason) {
      setError(reason);
    }
  }

  return (
    <Section title={t("lender.alerts.heading")} intro={t("lender.alerts.intro")} testId="alerts">
      <SubscribeForm onSubscribed={subscriptions.reload} />
      <ProblemNotice error={error} />
      <LoadedView loaded={subscriptions}>
        {({ items }) => (
          <DataTable
            caption={t("lender.alerts.heading")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("lender.alerts.empty")}
            columns={[
              { header: t("lender.alerts.id"), cell: (row) => <code>{row.id}</code> },
              { header: t("lender.consent.id"), cell: (row) => <code>{row.consent_id}</code> },
              {
                header: t("lender.alerts.status"),
                cell: (row) =>
                  row.status === "active" ? (
                    <Badge tone="good">{label("consentStatus", "active")}</Badge>
                  ) : (
                    <Badge tone="neutral">{label("endReason", row.end_reason)}</Badge>
                  ),
              },
              { header: t("lender.alerts.since"), cell: (row) => formatDate(row.created_at, locale) },
              {
                header: t("lender.alerts.lastSequence"),
                numeric: true,
                cell: (row) => formatNumber(row.last_sequence, locale),
              },
              {
                header: "",
                cell: (row) =>
                  row.status === "active" && (
                    <button
                      type="button"
                      className="button-small button-danger"
                      onClick={() => void cancel(row)}
                    >
                      {t("lender.alerts.cancel")}
                    </button>
                  ),
              },
            ]}
          />
        )}
      </LoadedView>
      <WebhookForm />
      <LatestAlerts />
      <DeadLetters />
    </Section>
  );
}
