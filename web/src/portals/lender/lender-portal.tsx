// The lender's portal: register consents, pull reports and scores, manage alerts, read the monthly bill.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { SubNav } from "../../components/sub-nav.tsx";
import { AlertsPanel } from "./alerts-panel.tsx";
import { BillPanel } from "./bill-panel.tsx";
import { ConsentForm } from "./consent-form.tsx";
import { ConsentsList } from "./consents-list.tsx";
import { QueryPanel } from "./query-panel.tsx";

const sections = ["consents", "query", "alerts", "bill"] as const;
type LenderSection = (typeof sections)[number];

function ConsentsSection() {
  // A new key remounts the list, which loads it again.
  const [generation, setGeneration] = useState(0);
  return (
    <>
      <ConsentForm onCreated={() => setGeneration((n) => n + 1)} />
      <ConsentsList key={generation} />
    </>
  );
}

export function LenderPortal(props: { section: string | undefined }) {
  const { t } = useTranslation();
  const current: LenderSection = sections.find((section) => section === props.section) ?? "consents";
  return (
    <div className="portal">
      <SubNav
        base="lender"
        current={current}
        sections={sections.map((id) => ({ id, label: t(`lender.sections.${id}`) }))}
      />
      {current === "consents" && <ConsentsSection />}
      {current === "query" && <QueryPanel />}
      {current === "alerts" && <AlertsPanel />}
      {current === "bill" && <BillPanel />}
    </div>
  );
}
