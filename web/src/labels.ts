// Labels for values that come from the server (codes, enums): a translation when one exists, else the value.
import i18next from "i18next";
import { useTranslation } from "react-i18next";
import type { FurnisherView } from "./api/types.ts";

export type EnumGroup = keyof typeof import("./i18n/en.ts").en.enums;

export function useLabels() {
  const { t, i18n } = useTranslation();
  const dynamic = (key: string, fallback: string): string =>
    i18next.exists(key) ? (t(key as never) as string) : fallback;
  const label = (group: EnumGroup, value: string | null | undefined): string =>
    value === null || value === undefined ? "—" : dynamic(`enums.${group}.${value}`, value);
  return {
    t,
    locale: i18n.language,
    label,
    /** A line code's meaning in the current language, or the server's own message. */
    lineCode: (code: string, message: string) => dynamic(`lineCodes.${code}`, message),
    /** A problem's meaning in the current language, or the server's title. */
    problem: (code: string, title: string) => dynamic(`errors.codes.${code}`, title),
    furnisher: (view: FurnisherView): string =>
      "masked" in view
        ? t("report.maskedFurnisher", { kind: label("institutionKind", view.kind).toLowerCase() })
        : view.name,
  };
}
