// The witness status of the bureau's disclosure log: the latest checkpoint, its signature checked in this browser,
// and the witnesses that cosigned it. (The witnesses' own keys are not known here, so their lines are listed as
// the note states them.)

import { base64Encode } from "../../../../src/disclosure-log/bytes.ts";
import { apiText } from "../../api/client.ts";
import type { LogKey } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Badge } from "../../components/badge.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatDateTime, formatNumber } from "../../format.ts";
import { useLabels } from "../../labels.ts";
import { witnessStatus } from "../../verify/witness-status.ts";

function Status(props: { note: string; logKey: LogKey }) {
  const { t, locale } = useLabels();
  const status = witnessStatus(props.note, props.logKey.verifier_key, props.logKey.origin);
  return (
    <dl className="facts facts-wide" data-testid="witness-status">
      <div>
        <dt>{t("regulator.witness.origin")}</dt>
        <dd>
          <code>{props.logKey.origin}</code>
        </dd>
      </div>
      <div>
        <dt>{t("regulator.witness.bureauSignature")}</dt>
        <dd>
          {status.checkpoint.ok ? (
            <Badge tone="good" testId="bureau-signature">
              ✓ {t("regulator.witness.verified")}
            </Badge>
          ) : (
            <Badge tone="bad" testId="bureau-signature">
              ✗ {t("regulator.witness.failed", { code: status.checkpoint.code })}
            </Badge>
          )}
        </dd>
      </div>
      {status.checkpoint.ok && (
        <>
          <div>
            <dt>{t("regulator.witness.size")}</dt>
            <dd>{formatNumber(status.checkpoint.value.size, locale)}</dd>
          </div>
          <div>
            <dt>{t("regulator.witness.root")}</dt>
            <dd>
              <code className="wrap">{base64Encode(status.checkpoint.value.root_hash)}</code>
            </dd>
          </div>
        </>
      )}
      <div>
        <dt>{t("regulator.witness.cosigners")}</dt>
        <dd>
          {status.cosignatures.length === 0 ? (
            <Badge tone="warn">{t("regulator.witness.noCosigner")}</Badge>
          ) : (
            <ul className="plain-list">
              {status.cosignatures.map((cosignature) => (
                <li key={cosignature.name}>
                  {t("regulator.witness.cosignedAt", {
                    name: cosignature.name,
                    at:
                      cosignature.time_s === null
                        ? "—"
                        : formatDateTime(new Date(cosignature.time_s * 1000).toISOString(), locale),
                  })}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </div>
    </dl>
  );
}

export function WitnessPanel() {
  const { t } = useLabels();
  const logKey = useApi<LogKey>("/v1/log/key");
  const note = useApi("/v1/log/checkpoint", (path, signal) => apiText(path, { signal }));
  return (
    <Section title={t("regulator.witness.heading")} intro={t("regulator.witness.intro")} testId="witness">
      <LoadedView loaded={logKey}>
        {(key) => <LoadedView loaded={note}>{(text) => <Status note={text} logKey={key} />}</LoadedView>}
      </LoadedView>
    </Section>
  );
}
