// A platform's compliance status as a coloured label.
import type { ComplianceStatus } from "../../api/types.ts";
import { Badge, type Tone } from "../../components/badge.tsx";
import { useLabels } from "../../labels.ts";

const tones: Record<ComplianceStatus, Tone> = {
  not_started: "bad",
  onboarding: "warn",
  furnishing: "info",
  compliant: "good",
  lapsed: "bad",
};

export function ComplianceStatusBadge(props: { status: ComplianceStatus }) {
  const { label } = useLabels();
  return <Badge tone={tones[props.status]}>{label("complianceStatus", props.status)}</Badge>;
}
