// Chooses a calendar month (YYYY-MM) for statements; defaults come from the server's clock.
import { useId } from "react";
import { useTranslation } from "react-i18next";

export function MonthPicker(props: { value: string; onChange: (month: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field field-compact">
      <label htmlFor={id}>{t("app.month")}</label>
      <input
        id={id}
        type="month"
        value={props.value}
        required
        onChange={(event) => {
          if (/^\d{4}-\d{2}$/.test(event.target.value)) props.onChange(event.target.value);
        }}
      />
    </div>
  );
}
