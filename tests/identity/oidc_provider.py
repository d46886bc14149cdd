"""A real OpenID Connect provider process on loopback (oidc-provider-mock).

oidc-provider-mock accepts any client id/secret and shows an authorization
form where the test POSTs the subject (``sub``) to log in as.  It ignores
PKCE, so this launcher wraps it in a small WSGI middleware that enforces
PKCE (S256) the way EU Login does: the authorization request must carry a
code challenge and the token request the matching verifier.

Run as a script: ``python -m tests.identity.oidc_provider PORT``.  In tests::

    provider = OIDCProvider().start()
    provider.set_user("dr.x", {"email": "x@example.org", "given_name": "X"})
    ...
    provider.stop()
"""

import base64
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class PKCEMiddleware:
    """Refuse authorization without a S256 challenge, tokens without its verifier."""

    def __init__(self, app):
        self.app = app
        self.challenges = {}  # code -> challenge
        self.pending = None
        self.verified = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/pkce-stats":
            return self._json(start_response, "200 OK", {"verified": self.verified})
        if path == "/oauth2/authorize":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            challenge = query.get("code_challenge", [""])[0]
            if query.get("code_challenge_method", [""])[0] != "S256" or not challenge:
                return self._json(
                    start_response,
                    "400 Bad Request",
                    {"error": "invalid_request", "error_description": "PKCE required"},
                )

            def capture(status, headers, exc_info=None):
                for name, value in headers:
                    if name.lower() == "location":
                        code = parse_qs(urlparse(value).query).get("code", [""])[0]
                        if code:
                            self.challenges[code] = challenge
                return start_response(status, headers, exc_info)

            return self.app(environ, capture)
        if path == "/oauth2/token" and environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            form = parse_qs(body.decode())
            code = form.get("code", [""])[0]
            verifier = form.get("code_verifier", [""])[0]
            if form.get("grant_type", [""])[0] == "authorization_code":
                challenge = self.challenges.pop(code, None)
                if not challenge or not verifier or s256(verifier) != challenge:
                    return self._json(
                        start_response,
                        "400 Bad Request",
                        {"error": "invalid_grant", "error_description": "PKCE failed"},
                    )
                self.verified += 1
            environ["wsgi.input"] = io.BytesIO(body)
        if path == "/userinfo" and environ.get("REQUEST_METHOD") == "POST":
            # pas.plugins.oidc (pyoidc) sends the access token as a form
            # parameter (RFC 6750, section 2.2); the mock reads only the
            # Authorization header (section 2.1), so move it there.
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            token = parse_qs(body.decode()).get("access_token", [""])[0]
            if token and "HTTP_AUTHORIZATION" not in environ:
                environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    @staticmethod
    def _json(start_response, status, data):
        body = json.dumps(data).encode()
        start_response(
            status,
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]


class OIDCProvider:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.url = f"http://{self.host}:{self.port}"
        self.process = None

    def start(self):
        env = dict(os.environ, AUTHLIB_INSECURE_TRANSPORT="1")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "tests.identity.oidc_provider", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                response = requests.get(
                    f"{self.url}/.well-known/openid-configuration", timeout=1
                )
                if response.ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the OpenID Connect provider did not start")

    def set_user(self, sub: str, claims: dict):
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def pkce_verified(self) -> int:
        return requests.get(f"{self.url}/pkce-stats", timeout=10).json()["verified"]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def main():
    import uvicorn
    from oidc_provider_mock import app

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    port = int(sys.argv[1])
    uvicorn.run(
        PKCEMiddleware(app(require_nonce=True)),
        interface="wsgi",
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
