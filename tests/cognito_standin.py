"""A stand-in Cognito issuer for tests: serves a JWKS over real HTTP and counts downloads."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

POOL = "eu-north-1_TestPool"
AUDIENCE = "spa-client-id"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StandInIssuer:
    def __init__(self):
        self.key = new_key()
        self.kid = "test-key-1"
        self.downloads = 0
        self.available = True
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != f"/{POOL}/.well-known/jwks.json" or not issuer.available:
                    self.send_response(503 if self.path.endswith("jwks.json") else 404)
                    self.end_headers()
                    return
                issuer.downloads += 1
                body = json.dumps({"keys": [issuer.public_jwk()]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer_url = f"https://cognito-idp.eu-north-1.amazonaws.com/{POOL}"
        self.jwks_url = f"{self.base_url}/{POOL}/.well-known/jwks.json"

    def public_jwk(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def claims(self, **overrides) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer_url,
            "aud": AUDIENCE,
            "sub": str(uuid.uuid4()),
            "token_use": "id",
            "email": "ann@example.com",
            "email_verified": True,
            "given_name": "Ann",
            "family_name": "Smith",
            "iat": now,
            "auth_time": now,
            "exp": now + 3600,
        }
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def token(self, *, key=None, headers=None, algorithm="RS256", **claims) -> str:
        """Sign an ID token (or whatever the overrides make of it)."""
        return jwt.encode(
            self.claims(**claims),
            key if key is not None else self.key,
            algorithm=algorithm,
            headers={"kid": self.kid} if headers is None else headers,
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
