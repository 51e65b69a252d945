import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";

import { ok } from "../api/client";
import { customerMessage } from "../api/errors";
import { useShop } from "../app/context";
import { MAX_QUANTITY } from "../cart/storage";
import { useCart } from "../cart/useCart";
import { usePageMeta } from "../components/Layout";
import { StockState } from "../components/ProductCard";
import { ErrorState, Loading } from "../components/states";
import { money } from "../format";

export function Product() {
  const { slug = "" } = useParams();
  const { api, config } = useShop();
  const cart = useCart();
  const [quantity, setQuantity] = useState(1);
  const [note, setNote] = useState("");
  const product = useQuery({
    queryKey: ["product", slug],
    queryFn: async () => ok(await api.GET("/api/v1/products/{slug}/", { params: { path: { slug } } })),
  });
  usePageMeta(product.data?.name ?? "Product", product.data?.description?.slice(0, 155) || undefined);

  if (product.isPending) return <Loading label="Loading the product" />;
  if (product.isError) return <ErrorState error={product.error} retry={() => void product.refetch()} />;
  const p = product.data;
  const most = Math.max(1, Math.min(MAX_QUANTITY, p.stock ?? MAX_QUANTITY));

  const add = async () => {
    try {
      await cart.add(p.id, quantity);
      setNote(`${quantity} added to your cart.`);
    } catch (error) {
      setNote(customerMessage(error));
    }
  };

  return (
    <article className="product">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Shop</Link>
        {" / "}
        <Link to={`/?category=${encodeURIComponent(p.category.slug)}`}>{p.category.name}</Link>
      </nav>
      <div className="product-body">
        {p.image ? (
          <img className="product-image" src={p.image} alt={p.name} width={640} height={640} />
        ) : (
          <div className="product-image card-placeholder" aria-hidden="true" />
        )}
        <div className="product-info">
          <h1>{p.name}</h1>
          <p className="price big">{money(p.price, p.currency, config.locale)}</p>
          <StockState product={p} />
          <p className="description">{p.description}</p>
          <div className="buy">
            <label>
              Quantity
              <input
                type="number"
                min={1}
                max={most}
                value={quantity}
                disabled={!p.in_stock}
                onChange={(event) => setQuantity(Math.max(1, Math.min(most, Number(event.target.value) || 1)))}
              />
            </label>
            <button type="button" className="button" disabled={!p.in_stock} onClick={() => void add()}>
              Add to cart
            </button>
          </div>
          <p aria-live="polite" className="note">
            {note} {note && <Link to="/cart">See your cart</Link>}
          </p>
          <p className="muted">SKU {p.sku}</p>
        </div>
      </div>
    </article>
  );
}
