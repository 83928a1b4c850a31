// Vite configuration for the Parvis web client.
// The built files land in dist/client (repo root), which the server serves
// through server/web/client.ts. In development, API and real-time requests
// are proxied to the Parvis server on port 3000.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const here = fileURLToPath(new URL(".", import.meta.url));
const backend = process.env.PARVIS_DEV_BACKEND ?? "http://localhost:3000";

const proxied = ["/api", "/oauth", "/media", "/tiles", "/users", "/.well-known", "/nodeinfo"];

export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/client", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    // The CSP forbids inline scripts; never inline the module preload helper either.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    proxy: {
      ...Object.fromEntries(proxied.map((prefix) => [prefix, { target: backend, changeOrigin: false }])),
      "/socket.io": { target: backend, ws: true, changeOrigin: false },
    },
  },
});
