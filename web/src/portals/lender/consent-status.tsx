// A consent's status as a coloured label.
import type { Consent } from "../../api/types.ts";
import { Badge, type Tone } from "../../components/badge.tsx";
import { useLabels } from "../../labels.ts";

const tones: Record<Consent["status"], Tone> = {
  active: "good",
  used: "neutral",
  expired: "neutral",
  revoked: "bad",
  not_yet_valid: "info",
};

export function ConsentStatus(props: { status: Consent["status"] }) {
  const { label } = useLabels();
  return <Badge tone={tones[props.status]}>{label("consentStatus", props.status)}</Badge>;
}
