// Registers a consent the person gave this lender: who, for what purpose, which data, until when, and the
// fingerprint of the signed evidence (the file itself never leaves the browser).
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { type FormEvent, useId, useState } from "react";
import { apiJson } from "../../api/client.ts";
import type { Category, Consent, Purpose } from "../../api/types.ts";
import { useAppState } from "../../app-state.ts";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { Section } from "../../components/section.tsx";
import { useLabels } from "../../labels.ts";
import { navigate } from "../../router.ts";

export const lender_purposes: readonly Purpose[] = [
  "loan_origination",
  "credit_limit_review",
  "post_loan_management",
  "guarantee_review",
];
const all_categories: readonly Category[] = ["credit_accounts", "alternative_data", "score"];
/** How long a new consent runs unless the lender changes it. */
const default_validity_days = 30;
/** The largest evidence file fingerprinted in the browser. */
export const evidence_bytes_max = 50 * 1024 * 1024;

function dayAfter(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export function ConsentForm(props: { onCreated: () => void }) {
  const { t, label } = useLabels();
  const { meta } = useAppState();
  const id = useId();
  const [idType, setIdType] = useState(meta.identifier_types[0] ?? "");
  const [idNumber, setIdNumber] = useState("");
  const [purpose, setPurpose] = useState<Purpose>("loan_origination");
  const [categories, setCategories] = useState<Category[]>([...all_categories]);
  const [mode, setMode] = useState<"one_time" | "continuous">("one_time");
  const [expires, setExpires] = useState(dayAfter(meta.server_time, default_validity_days));
  const [evidence, setEvidence] = useState<File | null>(null);
  const [evidenceRef, setEvidenceRef] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<Consent | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!evidence || evidence.size > evidence_bytes_max) return;
    setBusy(true);
    setError(undefined);
    setCreated(null);
    try {
      const digest = bytesToHex(sha256(new Uint8Array(await evidence.arrayBuffer())));
      const consent = await apiJson<Consent>("/v1/consents", {
        body: {
          subject: { id_type: idType, id_number: idNumber.trim() },
          purpose,
          categories,
          mode,
          expires_at: new Date(`${expires}T23:59:59Z`).toISOString(),
          evidence: { sha256: digest, ref: evidenceRef.trim() || evidence.name },
        },
      });
      setCreated(consent);
      setIdNumber("");
      props.onCreated();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t("lender.consent.heading")} intro={t("lender.consent.intro")} testId="consent-form">
      <form className="form form-grid" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t("lender.consent.idType")}</label>
          <select id={`${id}-type`} value={idType} onChange={(event) => setIdType(event.target.value)}>
            {meta.identifier_types.map((type) => (
              <option key={type} value={type}>
                {label("idType", type)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-number`}>{t("lender.consent.idNumber")}</label>
          <input
            id={`${id}-number`}
            name="id_number"
            required
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            value={idNumber}
            onChange={(event) => setIdNumber(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-purpose`}>{t("lender.consent.purpose")}</label>
          <select
            id={`${id}-purpose`}
            value={purpose}
            onChange={(event) => setPurpose(event.target.value as Purpose)}
          >
            {lender_purposes.map((value) => (
              <option key={value} value={value}>
                {label("purpose", value)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-expires`}>{t("lender.consent.expires")}</label>
          <input
            id={`${id}-expires`}
            type="date"
            required
            min={meta.server_time.slice(0, 10)}
            value={expires}
            onChange={(event) => setExpires(event.target.value)}
          />
        </div>
        <fieldset className="field-wide">
          <legend>{t("lender.consent.categories")}</legend>
          {all_categories.map((category) => (
            <div className="checkbox" key={category}>
              <input
                id={`${id}-${category}`}
                type="checkbox"
                checked={categories.includes(category)}
                onChange={(event) =>
                  setCategories((current) =>
                    event.target.checked
                      ? [...current, category]
                      : current.filter((value) => value !== category),
                  )
                }
              />
              <label htmlFor={`${id}-${category}`}>{label("category", category)}</label>
            </div>
          ))}
        </fieldset>
        <fieldset className="field-wide">
          <legend>{t("lender.consent.mode")}</legend>
          {(["one_time", "continuous"] as const).map((value) => (
            <div className="radio" key={value}>
              <input
                id={`${id}-${value}`}
                type="radio"
                name={`${id}-mode`}
                checked={mode === value}
                onChange={() => setMode(value)}
              />
              <label htmlFor={`${id}-${value}`}>{label("mode", value)}</label>
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-evidence`}>{t("lender.consent.evidence")}</label>
          <input
            id={`${id}-evidence`}
            name="evidence"
            type="file"
            required
            aria-describedby={`${id}-evidence-hint`}
            onChange={(event) => setEvidence(event.target.files?.[0] ?? null)}
          />
          <p id={`${id}-evidence-hint`} className="hint">
            {t("lender.consent.evidenceHint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-ref`}>{t("lender.consent.evidenceRef")}</label>
          <input
            id={`${id}-ref`}
            maxLength={200}
            placeholder={evidence?.name ?? ""}
            value={evidenceRef}
            onChange={(event) => setEvidenceRef(event.target.value)}
          />
        </div>
        <div className="form-actions field-wide">
          <button type="submit" className="button-primary" disabled={busy || categories.length === 0}>
            {t("lender.consent.submit")}
          </button>
        </div>
      </form>
      <ProblemNotice error={error} />
      {created && (
        <div className="notice notice-good" role="status" data-testid="consent-created">
          <span>{t("lender.consent.registered", { id: created.id })}</span>
          <button
            type="button"
            className="button-small"
            onClick={() => navigate(`/lender/query?consent=${created.id}`)}
          >
            {t("lender.query.heading")}
          </button>
        </div>
      )}
    </Section>
  );
}
