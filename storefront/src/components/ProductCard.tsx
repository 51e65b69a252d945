import { useState } from "react";
import { Link } from "react-router-dom";

import { customerMessage } from "../api/errors";
import type { components } from "../api/schema";
import { useShop } from "../app/context";
import { useCart } from "../cart/useCart";
import { money } from "../format";

type Product = components["schemas"]["ProductOutput"];

export function StockState({ product }: { product: Product }) {
  if (!product.in_stock) return <span className="stock stock-out">Sold out</span>;
  if (product.low_stock) {
    return (
      <span className="stock stock-low">
        {product.stock === null ? "Only a few left" : `Only ${product.stock} left`}
      </span>
    );
  }
  return <span className="stock stock-in">In stock</span>;
}

export function ProductCard({ product, eager = false }: { product: Product; eager?: boolean }) {
  const { config } = useShop();
  const cart = useCart();
  const [note, setNote] = useState("");
  const add = async () => {
    try {
      await cart.add(product.id, 1);
      setNote("Added to your cart");
    } catch (error) {
      setNote(customerMessage(error));
    }
  };
  return (
    <li className="card">
      <Link to={`/products/${product.slug}`} className="card-link">
        {product.thumbnail ? (
          <img
            src={product.thumbnail}
            alt=""
            width={320}
            height={320}
            loading={eager ? "eager" : "lazy"}
            decoding="async"
          />
        ) : (
          <div className="card-placeholder" aria-hidden="true" />
        )}
        <span className="card-name">{product.name}</span>
      </Link>
      <div className="card-meta">
        <span className="price">{money(product.price, product.currency, config.locale)}</span>
        <StockState product={product} />
      </div>
      <button
        type="button"
        className="button"
        disabled={!product.in_stock}
        onClick={() => void add()}
      >
        Add to cart<span className="visually-hidden">: {product.name}</span>
      </button>
      <p className="card-note" aria-live="polite">
        {note}
      </p>
    </li>
  );
}
