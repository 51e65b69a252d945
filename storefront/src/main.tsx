import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { configLoad } from "./config";
import "./styles.css";

const root = createRoot(document.getElementById("root") as HTMLElement);

configLoad()
  .then((config) => {
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    console.warn("The storefront could not start:", error);
    root.render(
      <main className="main">
        <div className="state state-error" role="alert">
          <p>The shop could not start. Please reload the page in a moment.</p>
        </div>
      </main>,
    );
  });
