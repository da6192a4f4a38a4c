// The bureau operator's portal: issuing personal tokens to people whose identity was checked. (The oversight
// figures, which the bureau may also read, are in the regulator's portal.)
import { useTranslation } from "react-i18next";
import { SubNav } from "../../components/sub-nav.tsx";
import { TokenPanel } from "./token-panel.tsx";

export function OperatorPortal() {
  const { t } = useTranslation();
  return (
    <div className="portal">
      <SubNav
        base="operator"
        current="tokens"
        sections={[{ id: "tokens", label: t("operator.sections.tokens") }]}
      />
      <TokenPanel />
    </div>
  );
}
