import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { startStreaming } from "./streaming/socket";
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/forms.css";

startStreaming();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
