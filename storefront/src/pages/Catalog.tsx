/** The catalog: categories, search, price and stock filters, sorting and pages, all in the URL
 * (back, refresh and a shared link show the same page). */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type SyntheticEvent, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { ok } from "../api/client";
import { useShop } from "../app/context";
import { formText, usePageMeta } from "../components/Layout";
import { ProductCard } from "../components/ProductCard";
import { Empty, ErrorState, Loading } from "../components/states";

export const PAGE_SIZE = 24;
const SORTS = [
  ["", "Name, A to Z"],
  ["price", "Price, low to high"],
  ["-price", "Price, high to low"],
  ["newest", "Newest first"],
] as const;
type Sort = "name" | "-name" | "price" | "-price" | "newest" | "oldest";
const PRICE = /^\d{1,10}(\.\d{1,2})?$/;

// On a phone the filters fold away above the products; on a desk they stay open beside them.
const wideScreen = () => typeof window.matchMedia === "function" && window.matchMedia("(min-width: 800px)").matches;

export function Catalog() {
  const { api } = useShop();
  const [wide] = useState(wideScreen);
  const [params, setParams] = useSearchParams();
  const category = params.get("category") ?? "";
  const search = params.get("search") ?? "";
  const minPrice = params.get("min_price") ?? "";
  const maxPrice = params.get("max_price") ?? "";
  const inStock = params.get("in_stock") === "true";
  const ordering = params.get("ordering") ?? "";
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);

  const categories = useQuery({
    queryKey: ["categories"],
    queryFn: async () => ok(await api.GET("/api/v1/categories/", { params: { query: { page_size: 100 } } })),
    staleTime: 5 * 60_000,
  });
  const query = {
    page,
    page_size: PAGE_SIZE,
    ...(category && { category }),
    ...(search && { search }),
    ...(PRICE.test(minPrice) && { min_price: minPrice }),
    ...(PRICE.test(maxPrice) && { max_price: maxPrice }),
    ...(inStock && { in_stock: "true" as const }),
    ...(ordering && { ordering: ordering as Sort }),
  };
  const products = useQuery({
    queryKey: ["products", query],
    queryFn: async () => ok(await api.GET("/api/v1/products/", { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const current = categories.data?.results.find((c) => c.slug === category);
  const title = search ? `“${search}”` : (current?.name ?? "All products");
  usePageMeta(
    current?.name ?? (search ? `Search: ${search}` : "Shop"),
    current?.description || "Coffee, tea and what goes with them: browse the whole catalog.",
  );

  const change = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!("page" in changes)) next.delete("page");
    setParams(next);
  };
  const filter = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    change({
      min_price: formText(form, "min_price"),
      max_price: formText(form, "max_price"),
      in_stock: form.get("in_stock") ? "true" : "",
    });
  };
  const pages = products.data ? Math.max(1, Math.ceil(products.data.count / PAGE_SIZE)) : 1;
  const linkTo = (next: number) => {
    const target = new URLSearchParams(params);
    target.set("page", String(next));
    return `/?${target.toString()}`;
  };

  return (
    <div className="catalog">
      <details className="filters" open={wide} aria-label="Filters">
        <summary>Categories and filters</summary>
        <h2 className="filters-title">Categories</h2>
        {categories.isError ? (
          <ErrorState error={categories.error} retry={() => void categories.refetch()} />
        ) : (
          <ul className="categories">
            <li>
              <button type="button" className={category ? "link-button" : "link-button active"} onClick={() => change({ category: "" })}>
                All products
              </button>
            </li>
            {(categories.data?.results ?? []).map((c) => (
              <li key={c.slug}>
                <button
                  type="button"
                  className={c.slug === category ? "link-button active" : "link-button"}
                  aria-current={c.slug === category ? "true" : undefined}
                  onClick={() => change({ category: c.slug })}
                >
                  {c.name} <span className="muted">({c.product_count})</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <form className="price-filter" onSubmit={filter} key={`${minPrice}|${maxPrice}|${inStock}`}>
          <h2 className="filters-title">Price</h2>
          <div className="row">
            <label>
              From
              <input name="min_price" inputMode="decimal" pattern="\d{1,10}(\.\d{1,2})?" defaultValue={minPrice} size={6} />
            </label>
            <label>
              To
              <input name="max_price" inputMode="decimal" pattern="\d{1,10}(\.\d{1,2})?" defaultValue={maxPrice} size={6} />
            </label>
          </div>
          <label className="check">
            <input type="checkbox" name="in_stock" defaultChecked={inStock} /> In stock only
          </label>
          <button type="submit" className="button secondary">
            Apply
          </button>
        </form>
      </details>
      <section className="results" aria-labelledby="results-title">
        <div className="results-head">
          <h1 id="results-title">{title}</h1>
          <label className="sort">
            Sort by{" "}
            <select value={ordering} onChange={(event) => change({ ordering: event.target.value })}>
              {SORTS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {products.isPending ? (
          <Loading label="Loading products" />
        ) : products.isError ? (
          <ErrorState error={products.error} retry={() => void products.refetch()} />
        ) : products.data.results.length === 0 ? (
          <Empty title="Nothing matches.">
            <p>
              Try other words or fewer filters, or <Link to="/">see everything</Link>.
            </p>
          </Empty>
        ) : (
          <>
            <p className="muted" aria-live="polite">
              {products.data.count} {products.data.count === 1 ? "product" : "products"}
            </p>
            <ul className="grid">
              {products.data.results.map((product, index) => (
                <ProductCard key={product.id} product={product} eager={index < 4} />
              ))}
            </ul>
            {pages > 1 && (
              <nav className="pager" aria-label="Pages">
                {page > 1 ? <Link to={linkTo(page - 1)} rel="prev">Previous</Link> : <span />}
                <span>
                  Page {page} of {pages}
                </span>
                {page < pages ? <Link to={linkTo(page + 1)} rel="next">Next</Link> : <span />}
              </nav>
            )}
          </>
        )}
      </section>
    </div>
  );
}
