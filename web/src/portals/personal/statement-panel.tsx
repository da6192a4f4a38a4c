// My personal statement, shown in every report about me: write, change or remove it.
import { type FormEvent, useEffect, useId, useState } from "react";
import { apiJson } from "../../api/client.ts";
import { useApi } from "../../api/use-api.ts";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { Section } from "../../components/section.tsx";
import { useLabels } from "../../labels.ts";

/** The longest statement the server keeps. */
const statement_chars_max = 500;

export function StatementPanel() {
  const { t } = useLabels();
  const id = useId();
  const current = useApi<{ statement: { text: string } | null }>("/v1/me/statement");
  const [text, setText] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<"saved" | "removed" | null>(null);
  const stored = current.data?.statement?.text ?? "";
  useEffect(() => setText(stored), [stored]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setSaved(null);
    try {
      await apiJson("/v1/me/statement", { method: "PUT", body: { text } });
      setSaved("saved");
      current.reload();
    } catch (reason) {
      setError(reason);
    }
  }

  async function remove() {
    setError(undefined);
    setSaved(null);
    try {
      await apiJson("/v1/me/statement", { method: "DELETE" });
      setSaved("removed");
      current.reload();
    } catch (reason) {
      setError(reason);
    }
  }

  return (
    <Section title={t("personal.statement.heading")} intro={t("personal.statement.intro")}>
      <form className="form" onSubmit={save}>
        <div className="field">
          <label htmlFor={id}>{t("personal.statement.text")}</label>
          <textarea
            id={id}
            rows={4}
            maxLength={statement_chars_max}
            value={text}
            aria-describedby={`${id}-count`}
            onChange={(event) => setText(event.target.value)}
          />
          <p id={`${id}-count`} className="hint">
            {t("personal.statement.characters", { count: [...text].length })}
          </p>
        </div>
        <ProblemNotice error={error} />
        {saved && (
          <p className="notice notice-good" role="status">
            {t(saved === "saved" ? "personal.statement.saved" : "personal.statement.removed")}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={text.trim() === ""}>
            {t("personal.statement.save")}
          </button>
          {stored !== "" && (
            <button type="button" className="button-quiet" onClick={() => void remove()}>
              {t("personal.statement.remove")}
            </button>
          )}
        </div>
      </form>
    </Section>
  );
}
