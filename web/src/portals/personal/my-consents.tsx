// The consents I gave, to whom and for what; an active one can be revoked here.
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
import { ConsentStatus } from "../lender/consent-status.tsx";

export function MyConsents() {
  const { t, label, locale } = useLabels();
  const loaded = useApi<{ items: Consent[] }>("/v1/me/consents");
  const [error, setError] = useState<unknown>(undefined);

  async function revoke(consent: Consent) {
    if (!window.confirm(t("personal.consents.confirmRevoke", { id: consent.id }))) return;
    setError(undefined);
    try {
      await apiJson(`/v1/me/consents/${consent.id}/revoke`, { method: "POST" });
      loaded.reload();
    } catch (reason) {
      setError(reason);
    }
  }

  return (
    <Section title={t("personal.consents.heading")} testId="my-consents">
      <ProblemNotice error={error} />
      <LoadedView loaded={loaded}>
        {({ items }) => (
          <DataTable
            caption={t("personal.consents.heading")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("personal.consents.empty")}
            columns={[
              { header: t("personal.consents.lender"), cell: (row) => <strong>{row.lender_id}</strong> },
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
                  (row.status === "active" || row.status === "not_yet_valid") && (
                    <button
                      type="button"
                      className="button-small button-danger"
                      onClick={() => void revoke(row)}
                    >
                      {t("personal.consents.revoke")}
                    </button>
                  ),
              },
            ]}
          />
        )}
      </LoadedView>
    </Section>
  );
}
