// A submission's status as a coloured label.
import type { Submission } from "../../api/types.ts";
import { Badge, type Tone } from "../../components/badge.tsx";
import { useLabels } from "../../labels.ts";

const tones: Record<Submission["status"], Tone> = {
  processing: "info",
  accepted: "good",
  rejected: "bad",
  interrupted: "warn",
};

export function SubmissionStatus(props: { status: Submission["status"] }) {
  const { label } = useLabels();
  return (
    <Badge tone={tones[props.status]} testId="submission-status">
      {label("submissionStatus", props.status)}
    </Badge>
  );
}
