// A statement's net total per currency, under its table.
import { useTranslation } from "react-i18next";
import type { StatementTotal } from "../api/types.ts";
import { formatMoney } from "../format.ts";

export function TotalsLine(props: { totals: readonly StatementTotal[] }) {
  const { t, i18n } = useTranslation();
  if (props.totals.length === 0) return null;
  return (
    <p className="totals" data-testid="totals">
      {props.totals.map((total) => (
        <span key={total.currency}>
          {t("app.total")}: <strong>{formatMoney(total.net_minor, total.currency, i18n.language)}</strong>
        </span>
      ))}
    </p>
  );
}
