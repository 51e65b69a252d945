import { Link } from "react-router-dom";

import { usePageMeta } from "../components/Layout";

export function NotFound() {
  usePageMeta("Page not found", "This page does not exist.");
  return (
    <section className="state state-empty">
      <h1>Page not found</h1>
      <p>
        The link may be old or mistyped. <Link to="/">Go to the shop</Link>.
      </p>
    </section>
  );
}
