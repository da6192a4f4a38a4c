// The furnisher's portal: upload files and see what was rejected, data quality over time, earnings, disputes.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { SubNav } from "../../components/sub-nav.tsx";
import { DisputesPanel } from "./disputes-panel.tsx";
import { EarningsPanel } from "./earnings-panel.tsx";
import { QualityPanel } from "./quality-panel.tsx";
import { SubmissionDetail } from "./submission-detail.tsx";
import { SubmissionsList } from "./submissions-list.tsx";
import { UploadPanel } from "./upload-panel.tsx";

const sections = ["upload", "quality", "earnings", "disputes"] as const;
type FurnisherSection = (typeof sections)[number];

function UploadSection() {
  const [selected, setSelected] = useState<string | null>(null);
  // A new key remounts the list, which loads it again.
  const [listGeneration, setListGeneration] = useState(0);
  return (
    <>
      <UploadPanel
        onSubmitted={(id) => {
          setSelected(id);
          setListGeneration((n) => n + 1);
        }}
      />
      {selected && <SubmissionDetail id={selected} onFinished={() => setListGeneration((n) => n + 1)} />}
      <SubmissionsList key={listGeneration} selected={selected} onSelect={setSelected} />
    </>
  );
}

export function FurnisherPortal(props: { section: string | undefined }) {
  const { t } = useTranslation();
  const current: FurnisherSection = sections.find((section) => section === props.section) ?? "upload";
  return (
    <div className="portal">
      <SubNav
        base="furnisher"
        current={current}
        sections={sections.map((id) => ({ id, label: t(`furnisher.sections.${id}`) }))}
      />
      {current === "upload" && <UploadSection />}
      {current === "quality" && <QualityPanel />}
      {current === "earnings" && <EarningsPanel />}
      {current === "disputes" && <DisputesPanel />}
    </div>
  );
}
