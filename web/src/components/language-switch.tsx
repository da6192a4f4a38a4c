// Switches the interface between Simplified Chinese and English; the choice is remembered in this browser.
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { changeLocale, type Locale, locales } from "../i18n/i18n.ts";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id}>{t("app.language")}</label>
      <select
        id={id}
        value={i18n.language}
        onChange={(event) => void changeLocale(event.target.value as Locale)}
        data-testid="language"
      >
        {locales.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {t(`locale.${locale}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
