"""A stand-in for Stripe's API on loopback: the official `stripe` package talks to it over HTTP.

It keeps PaymentIntents and refunds in memory, honours Idempotency-Key like Stripe (the same
key returns the first answer), refuses to cancel a succeeded intent, and records every
request so tests can say what reached "Stripe". Events are built and signed by the tests.
"""

import json
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


def _form(body: str) -> dict:
    """Stripe's form encoding (metadata[order_reference]=X) as nested dicts."""
    data: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        target = data
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return data


class StripeStandIn:
    def __init__(self) -> None:
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        # Set to a message to make Stripe refuse every refund with it (a disputed charge).
        self.refuse_refunds = ""
        self.requests: list[tuple[str, str, dict, str | None]] = []
        # By operation ("create", "cancel", "retrieve", "refund"): answer with this status (a
        # Stripe outage), or wait this many seconds first (a slow Stripe).
        self.failing: dict[str, int] = {}
        self.delays: dict[str, float] = {}
        # Called as on_request(operation, order_reference) before each answer, on the
        # server's thread, while the shop waits for Stripe.
        self.on_request: Callable[[str, str], None] | None = None
        self._answers: dict[str, tuple[int, dict]] = {}
        self._lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("Request-Id", "req_" + secrets.token_hex(6))
                if status >= 500:
                    # The tests' outages are not to be retried by the client at once.
                    self.send_header("Stripe-Should-Retry", "false")
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                self._answer(*standin.handle("GET", self.path, {}, None))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = _form(self.rfile.read(length).decode())
                key = self.headers.get("Idempotency-Key")
                self._answer(*standin.handle("POST", self.path, form, key))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()

    def reset(self) -> None:
        with self._lock:
            self.intents.clear()
            self.refunds.clear()
            self.refuse_refunds = ""
            self.failing.clear()
            self.delays.clear()
            self.on_request = None
            self.requests.clear()
            self._answers.clear()

    def handle(self, method: str, path: str, form: dict, key: str | None) -> tuple[int, dict]:
        operation, reference = self._about(method, path.split("?")[0], form)
        if self.on_request is not None:
            self.on_request(operation, reference)
        if self.delays.get(operation):
            time.sleep(self.delays[operation])
        if operation in self.failing:
            with self._lock:
                self.requests.append((method, path, form, key))
            return self.failing[operation], {
                "error": {"type": "api_error", "message": "Stripe is unavailable (stand-in)."}
            }
        with self._lock:
            self.requests.append((method, path, form, key))
            if key and key in self._answers:
                return self._answers[key]
            answer = self._route(method, path.split("?")[0], form)
            if key and answer[0] < 500:
                self._answers[key] = answer
            return answer

    def _about(self, method: str, path: str, form: dict) -> tuple[str, str]:
        """Which operation a request is, and the reference of the order it concerns."""
        parts = path.strip("/").split("/")
        if parts == ["v1", "payment_intents"]:
            return "create", form.get("metadata", {}).get("order_reference", "")
        if parts[:1] == ["v1"] and parts[1:2] == ["refunds"]:
            intent = self.intents.get(form.get("payment_intent", ""), {})
            return "refund", intent.get("metadata", {}).get("order_reference", "")
        intent = self.intents.get(parts[2] if len(parts) > 2 else "", {})
        reference = intent.get("metadata", {}).get("order_reference", "")
        return ("cancel" if parts[3:] == ["cancel"] else "retrieve"), reference

    def _route(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "payment_intents"]:
            intent_id = "pi_" + secrets.token_hex(12)
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "amount_received": 0,
                "currency": form["currency"],
                "metadata": form.get("metadata", {}),
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
                "status": "requires_payment_method",
            }
            self.intents[intent_id] = intent
            return 200, intent
        if len(parts) >= 3 and parts[:2] == ["v1", "payment_intents"]:
            intent = self.intents.get(parts[2])
            if intent is None:
                return 404, _error("resource_missing", f"No such payment_intent: '{parts[2]}'")
            if method == "GET":
                return 200, intent
            if parts[3:] == ["cancel"]:
                if intent["status"] in ("succeeded", "canceled"):
                    return 400, _error(
                        "payment_intent_unexpected_state",
                        f"You cannot cancel this PaymentIntent because it has a status of "
                        f"{intent['status']}.",
                    )
                intent["status"] = "canceled"
                return 200, intent
        if method == "POST" and parts == ["v1", "refunds"]:
            intent = self.intents[form["payment_intent"]]
            if self.refuse_refunds:
                return 400, _error("charge_disputed", self.refuse_refunds)
            amount = int(form.get("amount", intent["amount"]))
            given = sum(
                r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
            )
            if given + amount > intent["amount"]:
                return 400, _error(
                    "amount_too_large",
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                    f"({intent['amount'] - given}).",
                )
            refund = {
                "id": "re_" + secrets.token_hex(12),
                "object": "refund",
                "amount": amount,
                "payment_intent": intent["id"],
                "status": "succeeded",
            }
            self.refunds[refund["id"]] = refund
            return 200, refund
        return 404, _error("resource_missing", f"Unrecognized request URL ({method} {path}).")

    def succeed(self, intent_id: str) -> dict:
        """The customer paid at Stripe: the intent succeeds."""
        intent = self.intents[intent_id]
        intent["status"] = "succeeded"
        intent["amount_received"] = intent["amount"]
        return intent

    def calls(self, method: str, prefix: str) -> list[tuple[str, str, dict, str | None]]:
        return [r for r in self.requests if r[0] == method and r[1].startswith(prefix)]


def _error(code: str, message: str) -> dict:
    return {"error": {"type": "invalid_request_error", "code": code, "message": message}}
