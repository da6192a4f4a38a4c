// The page header: the exchange's name, who the credential acts as (role and institution), the portals it opens,
// the language switch and sign-out.
import { useTranslation } from "react-i18next";
import type { Me } from "../api/types.ts";
import type { PortalId } from "../app-state.ts";
import { navigate } from "../router.ts";
import { LanguageSwitch } from "./language-switch.tsx";

function ActingAs(props: { me: Me }) {
  const { t } = useTranslation();
  const me = props.me;
  const roles = me.kind === "subject" ? [t("roles.subject")] : me.key_roles.map((role) => t(`roles.${role}`));
  return (
    <p className="acting-as" data-testid="acting-as">
      <span className="acting-label">{t("app.actingAs")}</span>{" "}
      <strong data-testid="acting-role">{roles.join(" + ")}</strong>
      <span className="acting-who">{me.kind === "subject" ? t("app.person") : me.institution.name}</span>
    </p>
  );
}

export function Header(props: {
  me: Me | null;
  portals: readonly PortalId[];
  current: string | undefined;
  onSignOut: () => void;
}) {
  const { t } = useTranslation();
  return (
    <header className="site-header">
      <div className="header-row">
        <a
          className="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate("/");
          }}
        >
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          <span>
            <span className="brand-name">{t("app.name")}</span>
            <span className="brand-tagline">{t("app.tagline")}</span>
          </span>
        </a>
        <div className="header-tools">
          {props.me && <ActingAs me={props.me} />}
          <LanguageSwitch />
          {props.me && (
            <button type="button" className="button-quiet" onClick={props.onSignOut}>
              {t("app.signOut")}
            </button>
          )}
        </div>
      </div>
      {props.portals.length > 0 && (
        <nav className="portal-nav" aria-label={t("app.portalNav")}>
          <ul>
            {props.portals.map((portal) => (
              <li key={portal}>
                <a
                  href={`/${portal}`}
                  aria-current={portal === props.current ? "page" : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(`/${portal}`);
                  }}
                >
                  {t(`portals.${portal}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </header>
  );
}
