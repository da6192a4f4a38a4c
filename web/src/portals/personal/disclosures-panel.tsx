// Every disclosure of my data, each checked in this browser against the bureau's signed checkpoint: a green mark
// only once its inclusion proof and subject commitment verify, a red one with the failing check's code otherwise.
import { useEffect, useMemo } from "react";
import type { LogEntry } from "../../../../src/disclosure-log/entry.ts";
import type { DisclosureItem, DisclosurePage, LogKey } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Badge } from "../../components/badge.tsx";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatDateTime, formatMoney } from "../../format.ts";
import { useLabels } from "../../labels.ts";
import { type Checked, checkCheckpoint, checkDisclosure } from "../../verify/verify-disclosure.ts";

/** How often the page asks again while some disclosures wait for the next checkpoint. */
const pending_poll_ms = 2_000;
/** Disclosures read per page; the API serves at most 200. */
const disclosures_page_rows = 200;

function ProofMark(props: { result: Checked<LogEntry> }) {
  const { t } = useLabels();
  if (props.result.ok) {
    return (
      <span
        className="proof proof-ok"
        data-testid="proof"
        data-verified="true"
        title={t("personal.disclosures.verifiedDetail", { index: props.result.value.sequence })}
      >
        <span aria-hidden="true">✓</span> {t("personal.disclosures.verified")}
      </span>
    );
  }
  return (
    <span
      className="proof proof-bad"
      data-testid="proof"
      data-verified="false"
      data-code={props.result.code}
      title={props.result.message}
    >
      <span aria-hidden="true">✗</span> {t("personal.disclosures.failed", { code: props.result.code })}
    </span>
  );
}

function Disclosures(props: { page: DisclosurePage; logKey: LogKey }) {
  const { t, label, locale } = useLabels();
  const { page, logKey } = props;
  const checkpoint = useMemo(
    () => (page.checkpoint ? checkCheckpoint(page.checkpoint.note, logKey.verifier_key) : null),
    [page.checkpoint, logKey.verifier_key],
  );
  const rows = useMemo(
    () =>
      page.disclosures.map((item: DisclosureItem) => ({
        item,
        result:
          checkpoint === null
            ? ({ ok: false, code: "LOG_EMPTY", message: "no checkpoint" } as const)
            : checkpoint.ok
              ? checkDisclosure(item, page.pseudonym, checkpoint.value)
              : checkpoint,
      })),
    [page, checkpoint],
  );
  return (
    <>
      {page.checkpoint && (
        <div className="checkpoint-summary">
          <p>
            {t("personal.disclosures.checkpoint", { size: page.checkpoint.size, origin: page.log_origin })}{" "}
            {checkpoint && !checkpoint.ok && <Badge tone="bad">{checkpoint.code}</Badge>}
          </p>
          <p>
            {page.checkpoint.witnesses.length > 0
              ? t("personal.disclosures.witnesses", { names: page.checkpoint.witnesses.join(", ") })
              : t("personal.disclosures.noWitness")}
          </p>
          <p className="hint">
            {t("personal.disclosures.bureauKey")}: <code className="wrap">{logKey.verifier_key}</code>
          </p>
        </div>
      )}
      <DataTable
        caption={t("personal.disclosures.heading")}
        rows={rows}
        rowKey={(row) => row.item.entry_id}
        empty={page.pending.length > 0 ? "" : t("personal.disclosures.empty")}
        testId="disclosures"
        columns={[
          { header: t("personal.disclosures.proof"), cell: (row) => <ProofMark result={row.result} /> },
          {
            header: t("personal.disclosures.when"),
            cell: (row) =>
              row.result.ok ? formatDateTime(row.result.value.time, locale) : row.item.entry_id,
          },
          {
            header: t("personal.disclosures.recipient"),
            cell: (row) => (row.result.ok ? <strong>{row.result.value.recipient}</strong> : "—"),
          },
          {
            header: t("personal.disclosures.purpose"),
            cell: (row) => (row.result.ok ? label("purpose", row.result.value.purpose) : "—"),
          },
          {
            header: t("personal.disclosures.product"),
            cell: (row) => (row.result.ok ? label("product", row.result.value.product) : "—"),
          },
          {
            header: t("personal.disclosures.sources"),
            cell: (row) =>
              row.result.ok
                ? row.result.value.furnishers.map((furnisher) => furnisher.institution).join(", ")
                : "—",
          },
          {
            header: t("personal.disclosures.price"),
            numeric: true,
            cell: (row) =>
              row.result.ok
                ? formatMoney(row.result.value.price_minor, row.result.value.currency, locale)
                : "—",
          },
        ]}
      />
      {page.next_after !== null && (
        <p className="hint">{t("personal.disclosures.more", { count: page.disclosures.length })}</p>
      )}
      {page.pending.length > 0 && (
        <ul className="plain-list" data-testid="pending">
          {page.pending.map((entry) => (
            <li key={entry.entry_id}>
              <Badge tone="neutral">{t("personal.disclosures.pending")}</Badge>{" "}
              {formatDateTime(entry.at, locale)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function DisclosuresPanel() {
  const { t } = useLabels();
  const logKey = useApi<LogKey>("/v1/log/key");
  const page = useApi<DisclosurePage>(`/v1/me/disclosures?limit=${disclosures_page_rows}`);
  const waiting = (page.data?.pending.length ?? 0) > 0;
  const reload = page.reload;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(reload, pending_poll_ms);
    return () => clearInterval(timer);
  }, [waiting, reload]);
  return (
    <Section
      title={t("personal.disclosures.heading")}
      intro={t("personal.disclosures.intro")}
      testId="my-disclosures"
    >
      <LoadedView loaded={logKey}>
        {(key) => <LoadedView loaded={page}>{(data) => <Disclosures page={data} logKey={key} />}</LoadedView>}
      </LoadedView>
    </Section>
  );
}
