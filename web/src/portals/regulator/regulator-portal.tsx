// The regulator's portal (also open to the bureau): the compliance board and its progress chart, the neutrality
// report, anomalies, and the witness status of the bureau's disclosure log.
import { useTranslation } from "react-i18next";
import { SubNav } from "../../components/sub-nav.tsx";
import { AnomaliesPanel } from "./anomalies-panel.tsx";
import { ComplianceBoardPanel } from "./compliance-board.tsx";
import { ComplianceChart } from "./compliance-chart.tsx";
import { NeutralityPanel } from "./neutrality-panel.tsx";
import { WitnessPanel } from "./witness-panel.tsx";

const sections = ["compliance", "neutrality", "anomalies", "witness"] as const;
type RegulatorSection = (typeof sections)[number];

export function RegulatorPortal(props: { section: string | undefined }) {
  const { t } = useTranslation();
  const current: RegulatorSection = sections.find((section) => section === props.section) ?? "compliance";
  return (
    <div className="portal">
      <SubNav
        base="regulator"
        current={current}
        sections={sections.map((id) => ({ id, label: t(`regulator.sections.${id}`) }))}
      />
      {current === "compliance" && (
        <>
          <ComplianceBoardPanel />
          <ComplianceChart />
        </>
      )}
      {current === "neutrality" && <NeutralityPanel />}
      {current === "anomalies" && <AnomaliesPanel />}
      {current === "witness" && <WitnessPanel />}
    </div>
  );
}
