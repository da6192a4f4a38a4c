// Entry point: reads the regime's facts, starts the translations in the right language and renders the app.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { apiJson } from "./api/client.ts";
import type { Meta } from "./api/types.ts";
import { App } from "./app.tsx";
import { initialLocale, startI18n } from "./i18n/i18n.ts";
import "./styles.css";

async function start(): Promise<void> {
  const root = document.getElementById("root");
  if (!root) throw new Error("index.html has no #root");
  const meta = await apiJson<Meta>("/v1/meta");
  await startI18n(initialLocale(meta.default_locale));
  createRoot(root).render(
    <StrictMode>
      <App meta={meta} />
    </StrictMode>,
  );
}

start().catch((error: unknown) => {
  const root = document.getElementById("root");
  if (root)
    root.textContent = `Credence could not start: ${error instanceof Error ? error.message : String(error)}`;
});
