// The sections of one portal, as links: the current one is marked for screen readers and by its look.
import { useTranslation } from "react-i18next";
import { navigate } from "../router.ts";

export function SubNav(props: {
  base: string;
  sections: readonly { id: string; label: string }[];
  current: string;
}) {
  const { t } = useTranslation();
  return (
    <nav className="sub-nav" aria-label={t("app.sectionNav")}>
      <ul>
        {props.sections.map((section) => {
          const href = `/${props.base}/${section.id}`;
          return (
            <li key={section.id}>
              <a
                href={href}
                aria-current={section.id === props.current ? "page" : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(href);
                }}
              >
                {section.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
