// The application shell: restores the session, shows the sign-in page or the portals the credential opens, and
// routes between them by path.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { apiJson } from "./api/client.ts";
import { forgetCredential, storeCredential, storedCredential } from "./api/session.ts";
import type { Me, Meta } from "./api/types.ts";
import { type AppState, AppStateContext, type PortalId, portalsOf, type Session } from "./app-state.ts";
import { Header } from "./components/header.tsx";
import { Loading } from "./components/loading.tsx";
import { SignIn } from "./portals/sign-in.tsx";
import { navigate, usePath } from "./router.ts";

// Each portal loads when first opened, so the sign-in page stays small (the charts alone are most of the code).
const FurnisherPortal = lazy(async () => ({
  default: (await import("./portals/furnisher/furnisher-portal.tsx")).FurnisherPortal,
}));
const LenderPortal = lazy(async () => ({
  default: (await import("./portals/lender/lender-portal.tsx")).LenderPortal,
}));
const PersonalPortal = lazy(async () => ({
  default: (await import("./portals/personal/personal-portal.tsx")).PersonalPortal,
}));
const RegulatorPortal = lazy(async () => ({
  default: (await import("./portals/regulator/regulator-portal.tsx")).RegulatorPortal,
}));
const OperatorPortal = lazy(async () => ({
  default: (await import("./portals/operator/operator-portal.tsx")).OperatorPortal,
}));

function Portal(props: { portal: PortalId; section: string | undefined }) {
  switch (props.portal) {
    case "furnisher":
      return <FurnisherPortal section={props.section} />;
    case "lender":
      return <LenderPortal section={props.section} />;
    case "personal":
      return <PersonalPortal section={props.section} />;
    case "regulator":
      return <RegulatorPortal section={props.section} />;
    case "operator":
      return <OperatorPortal />;
  }
}

export function App(props: { meta: Meta }) {
  const { t, i18n } = useTranslation();
  const path = usePath();
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(storedCredential() !== null);

  const signIn = useCallback(async (credential: string) => {
    const me = await apiJson<Me>("/v1/me", { credential });
    storeCredential(credential);
    const portals = portalsOf(me);
    setSession({ me, portals });
    if (!portals.includes(window.location.pathname.split("/")[1] as PortalId)) navigate(`/${portals[0]}`);
  }, []);

  const signOut = useCallback(() => {
    forgetCredential();
    setSession(null);
    navigate("/");
  }, []);

  useEffect(() => {
    const credential = storedCredential();
    if (credential === null) return;
    signIn(credential)
      .catch(() => forgetCredential())
      .finally(() => setRestoring(false));
  }, [signIn]);

  const state: AppState | null = useMemo(
    () => (session ? { meta: props.meta, session, signIn, signOut } : null),
    [props.meta, session, signIn, signOut],
  );

  const regimeName = i18n.exists(`regime.${props.meta.regime}`)
    ? t(`regime.${props.meta.regime}` as "regime.cn")
    : props.meta.regime_name;
  const requested = path[0] as PortalId | undefined;
  const portal =
    session && requested && session.portals.includes(requested) ? requested : session?.portals[0];

  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <Header
        me={session?.me ?? null}
        portals={session?.portals ?? []}
        current={portal}
        onSignOut={signOut}
      />
      <main id="main" tabIndex={-1}>
        {restoring ? (
          <Loading />
        ) : state && portal ? (
          <AppStateContext.Provider value={state}>
            <Suspense fallback={<Loading />}>
              <Portal portal={portal} section={portal === requested ? path[1] : undefined} />
            </Suspense>
          </AppStateContext.Provider>
        ) : (
          <SignIn onSignIn={signIn} />
        )}
      </main>
      <footer className="site-footer">
        <p>{t("app.regime", { name: regimeName })}</p>
      </footer>
    </>
  );
}
