import { Link } from "react-router-dom";

import { useShop } from "../app/context";
import { MAX_QUANTITY } from "../cart/storage";
import { useCart } from "../cart/useCart";
import { usePageMeta } from "../components/Layout";
import { Empty, ErrorState, Loading } from "../components/states";
import { money } from "../format";

export function Cart() {
  const { config } = useShop();
  const cart = useCart();
  usePageMeta("Your cart", "The products in your cart, ready to check out.");

  if (cart.isLoading) return <Loading label="Loading your cart" />;
  const unavailable = cart.lines.filter((line) => !line.available);
  return (
    <section className="cart" aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      {cart.error ? <ErrorState error={cart.error} /> : null}
      {cart.lines.length === 0 ? (
        <Empty title="Your cart is empty.">
          <p>
            <Link to="/">Browse the shop</Link> and add what you like.
          </p>
        </Empty>
      ) : (
        <>
          <ul className="lines">
            {cart.lines.map((line) => (
              <li key={line.product.id} className={line.available ? "line" : "line line-unavailable"}>
                {line.product.thumbnail ? (
                  <img src={line.product.thumbnail} alt="" width={72} height={72} loading="lazy" />
                ) : (
                  <div className="thumb-placeholder" aria-hidden="true" />
                )}
                <div className="line-name">
                  <Link to={`/products/${line.product.slug}`}>{line.product.name}</Link>
                  <span className="muted">{money(line.product.price, config.currency, config.locale)} each</span>
                  {!line.available && (
                    <span className="stock stock-out">
                      {line.product.stock ? `Only ${line.product.stock} left` : "Not available now"}
                    </span>
                  )}
                </div>
                <label className="line-quantity">
                  <span className="visually-hidden">Quantity of {line.product.name}</span>
                  <input
                    type="number"
                    min={0}
                    max={MAX_QUANTITY}
                    value={line.quantity}
                    onChange={(event) => void cart.setQuantity(line.product.id, Number(event.target.value) || 0)}
                  />
                </label>
                <span className="line-total">{money(line.lineTotal, config.currency, config.locale)}</span>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void cart.setQuantity(line.product.id, 0)}
                  aria-label={`Remove ${line.product.name}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <div className="summary">
            <p>
              Subtotal <strong>{money(cart.subtotal, config.currency, config.locale)}</strong>
            </p>
            {unavailable.length > 0 && (
              <p className="warning" role="status">
                {unavailable.length} {unavailable.length === 1 ? "item is" : "items are"} not available in that
                quantity; change or remove {unavailable.length === 1 ? "it" : "them"} to check out.
              </p>
            )}
            {unavailable.length === 0 ? (
              <Link to="/checkout" className="button">
                Check out
              </Link>
            ) : (
              <span className="button disabled" aria-disabled="true">
                Check out
              </span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
