// Disputes about the furnisher's items: open ones by deadline, each answered as confirmed or corrected.
import { type FormEvent, useId, useState } from "react";
import { apiJson } from "../../api/client.ts";
import type { Dispute } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Badge } from "../../components/badge.tsx";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate } from "../../format.ts";
import { useLabels } from "../../labels.ts";

/** The longest answer note the server accepts. */
const note_chars_max = 1_000;

function AnswerForm(props: { dispute: Dispute; onAnswered: () => void; onCancel: () => void }) {
  const { t, label } = useLabels();
  const id = useId();
  const [outcome, setOutcome] = useState<"confirmed" | "corrected">("confirmed");
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await apiJson(`/v1/disputes/${props.dispute.id}/answer`, { body: { outcome, note } });
      props.onAnswered();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="form answer-form"
      onSubmit={submit}
      aria-label={t("furnisher.disputes.answerFor", { id: props.dispute.id })}
    >
      <fieldset>
        <legend>{t("furnisher.disputes.outcome")}</legend>
        {(["confirmed", "corrected"] as const).map((value) => (
          <div className="radio" key={value}>
            <input
              id={`${id}-${value}`}
              type="radio"
              name={`${id}-outcome`}
              value={value}
              checked={outcome === value}
              onChange={() => setOutcome(value)}
            />
            <label htmlFor={`${id}-${value}`}>{label("outcome", value)}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-note`}>{t("furnisher.disputes.note")}</label>
        <textarea
          id={`${id}-note`}
          required
          maxLength={note_chars_max}
          rows={3}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <ProblemNotice error={error} />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || note.trim() === ""}>
          {t("furnisher.disputes.answer")}
        </button>
        <button type="button" className="button-quiet" onClick={props.onCancel}>
          {t("app.cancel")}
        </button>
      </div>
    </form>
  );
}

export function DisputesPanel() {
  const { t, label, locale } = useLabels();
  const loaded = useApi<{ items: Dispute[] }>("/v1/furnishers/me/disputes?status=open");
  const [answering, setAnswering] = useState<Dispute | null>(null);
  return (
    <Section
      title={t("furnisher.disputes.heading")}
      intro={t("furnisher.disputes.intro")}
      testId="furnisher-disputes"
    >
      <LoadedView loaded={loaded}>
        {({ items }) => (
          <DataTable
            caption={t("furnisher.disputes.heading")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("furnisher.disputes.empty")}
            columns={[
              { header: t("furnisher.disputes.item"), cell: (row) => <code>{row.item}</code> },
              { header: t("furnisher.disputes.reason"), cell: (row) => row.reason },
              { header: t("furnisher.disputes.opened"), cell: (row) => formatDate(row.opened_at, locale) },
              {
                header: t("furnisher.disputes.due"),
                cell: (row) => (
                  <Badge tone={row.status === "overdue" ? "bad" : "warn"}>
                    {formatDate(row.due_at, locale)} · {label("disputeStatus", row.status)}
                  </Badge>
                ),
              },
              {
                header: t("furnisher.disputes.answer"),
                cell: (row) => (
                  <button type="button" className="button-small" onClick={() => setAnswering(row)}>
                    {t("furnisher.disputes.answer")}
                  </button>
                ),
              },
            ]}
          />
        )}
      </LoadedView>
      {answering && (
        <AnswerForm
          key={answering.id}
          dispute={answering}
          onCancel={() => setAnswering(null)}
          onAnswered={() => {
            setAnswering(null);
            loaded.reload();
          }}
        />
      )}
    </Section>
  );
}
