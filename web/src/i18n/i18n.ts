// Starts i18next with both languages; the chosen language is remembered in this browser.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en.ts";
import { zhCN } from "./zh-cn.ts";

export const locales = ["zh-CN", "en"] as const;
export type Locale = (typeof locales)[number];

const locale_key = "credence.locale";

function isLocale(value: string | null): value is Locale {
  return (locales as readonly (string | null)[]).includes(value);
}

/** The language to show: the one this browser chose before, else the regime's default. */
export function initialLocale(regime_default: Locale): Locale {
  const stored = localStorage.getItem(locale_key);
  return isLocale(stored) ? stored : regime_default;
}

export async function startI18n(locale: Locale): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
    lng: locale,
    fallbackLng: "en",
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = locale;
}

export async function changeLocale(locale: Locale): Promise<void> {
  localStorage.setItem(locale_key, locale);
  await i18next.changeLanguage(locale);
  document.documentElement.lang = locale;
}
