// Sign-in with an institution's API key or a person's token; the credential is checked with GET /v1/me first.
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ProblemNotice } from "../components/problem-notice.tsx";
import { Section } from "../components/section.tsx";

const credential_pattern = /^(ck|cp)_[a-f0-9]{16}_[A-Za-z0-9_-]{43}$/;

export function SignIn(props: { onSignIn: (credential: string) => Promise<void> }) {
  const { t } = useTranslation();
  const id = useId();
  const [credential, setCredential] = useState("");
  const [visible, setVisible] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [malformed, setMalformed] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = credential.trim();
    setError(undefined);
    setMalformed(!credential_pattern.test(value));
    if (!credential_pattern.test(value)) return;
    setBusy(true);
    try {
      await props.onSignIn(value);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="sign-in">
      <Section title={t("signIn.heading")} intro={t("signIn.intro")}>
        <form onSubmit={submit} className="form" noValidate>
          <div className="field">
            <label htmlFor={id}>{t("signIn.credential")}</label>
            <input
              id={id}
              name="credential"
              type={visible ? "text" : "password"}
              autoComplete="off"
              spellCheck={false}
              required
              value={credential}
              onChange={(event) => setCredential(event.target.value)}
              aria-describedby={`${id}-hint${malformed ? ` ${id}-error` : ""}`}
              aria-invalid={malformed || undefined}
            />
            <p id={`${id}-hint`} className="hint">
              {t("signIn.credentialHint")}
            </p>
            {malformed && (
              <p id={`${id}-error`} className="field-error" role="alert">
                {t("signIn.malformed")}
              </p>
            )}
          </div>
          <div className="checkbox">
            <input
              id={`${id}-show`}
              type="checkbox"
              checked={visible}
              onChange={(event) => setVisible(event.target.checked)}
            />
            <label htmlFor={`${id}-show`}>{t("signIn.showCredential")}</label>
          </div>
          <ProblemNotice error={error} />
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {t("signIn.submit")}
            </button>
          </div>
        </form>
      </Section>
      <Section title={t("signIn.tourHeading")}>
        <p>{t("signIn.tourKeys")}</p>
        <p>{t("signIn.tourPerson")}</p>
      </Section>
    </div>
  );
}
