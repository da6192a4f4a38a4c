// The personal portal: my report (and disputing its items), every disclosure of my data with a proof checked in
// this browser, my consents, my disputes and my statement.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { OwnReport } from "../../api/types.ts";
import { SubNav } from "../../components/sub-nav.tsx";
import { DisclosuresPanel } from "./disclosures-panel.tsx";
import { MyConsents } from "./my-consents.tsx";
import { MyDisputes } from "./my-disputes.tsx";
import { MyReport } from "./my-report.tsx";
import { StatementPanel } from "./statement-panel.tsx";

const sections = ["report", "disclosures", "consents", "disputes"] as const;
type PersonalSection = (typeof sections)[number];

export function PersonalPortal(props: { section: string | undefined }) {
  const { t } = useTranslation();
  const current: PersonalSection = sections.find((section) => section === props.section) ?? "report";
  // Each opened copy counts against the year's free copies, so the copy is kept while the person browses.
  const [report, setReport] = useState<OwnReport | null>(null);
  return (
    <div className="portal">
      <SubNav
        base="personal"
        current={current}
        sections={sections.map((id) => ({ id, label: t(`personal.sections.${id}`) }))}
      />
      {current === "report" && <MyReport report={report} onReport={setReport} />}
      {current === "disclosures" && <DisclosuresPanel />}
      {current === "consents" && <MyConsents />}
      {current === "disputes" && (
        <>
          <MyDisputes />
          <StatementPanel />
        </>
      )}
    </div>
  );
}
