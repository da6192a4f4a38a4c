// The lender's consents with their status; an active one can be revoked or used for a query.
import { useState } from "react";
import { apiJson } from "../../api/client.ts";
import type { Consent } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate } from "../../format.ts";
import { useLabels } from "../../labels.ts";
import { navigate } from "../../router.ts";
import { ConsentStatus } from "./consent-status.tsx";

export function ConsentsList() {
  const { t, label, locale } = useLabels();
  const loaded = useApi<{ items: Consent[] }>("/v1/consents");
  const [error, setError] = useState<unknown>(undefined);

  async function revoke(consent: Consent) {
    setError(undefined);
    try {
      await apiJson(`/v1/consents/${consent.id}/revoke`, { method: "POST" });
      loaded.reload();
    } catch (reason) {
      setError(reason);
    }
  }

  return (
    <Section title={t("lender.consent.listHeading")} testId="consents">
      <ProblemNotice error={error} />
      <LoadedView loaded={loaded}>
        {({ items }) => (
          <DataTable
            caption={t("lender.consent.listHeading")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("lender.consent.empty")}
            columns={[
              { header: t("lender.consent.id"), cell: (row) => <code>{row.id}</code> },
              { header: t("lender.consent.purpose"), cell: (row) => label("purpose", row.purpose) },
              {
                header: t("lender.consent.categories"),
                cell: (row) => row.categories.map((category) => label("category", category)).join(", "),
              },
              { header: t("lender.consent.mode"), cell: (row) => label("mode", row.mode) },
              { header: t("lender.consent.status"), cell: (row) => <ConsentStatus status={row.status} /> },
              { header: t("lender.consent.expiresShort"), cell: (row) => formatDate(row.expires_at, locale) },
              {
                header: "",
                cell: (row) =>
                  row.status === "active" && (
                    <span className="row-actions">
                      <button
                        type="button"
                        className="button-small"
                        onClick={() => navigate(`/lender/query?consent=${row.id}`)}
                      >
                        {t("lender.query.submit")}
                      </button>
                      <button
                        type="button"
                        className="button-small button-danger"
                        onClick={() => void revoke(row)}
                      >
                        {t("lender.consent.revoke")}
                      </button>
                    </span>
                  ),
              },
            ]}
          />
        )}
      </LoadedView>
    </Section>
  );
}
