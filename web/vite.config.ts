// Vite configuration of the portals: the app lives in web/, builds into web/dist, and calls the API on its own
// origin; `vite` alone serves it for development with the API proxied to a running `credence serve`.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.CREDENCE_API_URL ?? "http://localhost:8080";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
  server: { proxy: { "/v1": api } },
});
