import { type SyntheticEvent, type ReactNode, useEffect } from "react";
import { Link, NavLink, useLocation, useNavigate, useSearchParams } from "react-router-dom";

import { useShop } from "../app/context";
import { displayName, signIn } from "../auth/session";
import { useCart } from "../cart/useCart";

/** A text field of a submitted form, trimmed. */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

export function Layout({ children }: { children: ReactNode }) {
  const { config, user, auth } = useShop();
  const cart = useCart();
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useSearchParams();

  const search = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const words = formText(new FormData(event.currentTarget), "search");
    void navigate(words ? `/?${new URLSearchParams({ search: words }).toString()}` : "/");
  };

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="header">
        <div className="header-inner">
          <Link to="/" className="brand">
            {config.shopName}
          </Link>
          <form className="search" role="search" onSubmit={search}>
            <label htmlFor="site-search" className="visually-hidden">
              Search products
            </label>
            <input
              id="site-search"
              name="search"
              type="search"
              placeholder="Search coffee, tea…"
              defaultValue={location.pathname === "/" ? (params.get("search") ?? "") : ""}
              key={location.pathname === "/" ? (params.get("search") ?? "") : "other"}
              maxLength={200}
            />
            <button type="submit" className="button">
              Search
            </button>
          </form>
          <nav className="nav" aria-label="Your shop">
            {user ? (
              <NavLink to="/account">{displayName(user)}</NavLink>
            ) : (
              <button
                type="button"
                className="link-button"
                onClick={() => void signIn(auth, location.pathname + location.search)}
              >
                Sign in
              </button>
            )}
            <NavLink to="/cart" className="cart-link">
              Cart <span className="badge" aria-label={`${cart.count} items`}>{cart.count}</span>
            </NavLink>
          </nav>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <p>
          {config.shopName} · Prices include VAT · <Link to="/account">Your orders</Link>
        </p>
      </footer>
    </>
  );
}

/** The page's title, description and canonical link, as search engines read them. */
export function usePageMeta(title: string, description?: string): void {
  const { config } = useShop();
  const location = useLocation();
  useEffect(() => {
    document.title = title ? `${title} · ${config.shopName}` : config.shopName;
    if (description) {
      let meta = document.querySelector<HTMLMetaElement>('meta[name="description"]');
      if (!meta) {
        meta = document.createElement("meta");
        meta.name = "description";
        document.head.appendChild(meta);
      }
      meta.content = description;
    }
    let canonical = document.querySelector<HTMLLinkElement>('link[rel="canonical"]');
    if (!canonical) {
      canonical = document.createElement("link");
      canonical.rel = "canonical";
      document.head.appendChild(canonical);
    }
    canonical.href = window.location.origin + location.pathname;
  }, [title, description, config.shopName, location.pathname]);
}
