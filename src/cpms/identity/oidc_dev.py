"""A development OpenID Connect provider: oidc-provider-mock, made stricter.

For ``make oidc-dev`` and the tests, never for production.  oidc-provider-mock
accepts any client and shows a form where you type the user (``sub``) to log
in as.  This wrapper adds what the portal's real provider (EU Login) does and
the mock does not:

- PKCE is required: the authorization request must carry a S256 code
  challenge and the token request the matching verifier;
- the userinfo endpoint also takes the access token as a form parameter
  (RFC 6750, section 2.2), which is how pas.plugins.oidc (pyoidc) sends it.

Run: ``python -m cpms.identity.oidc_dev --port 9400 [--user-claims JSON]...``;
``GET /pkce-stats`` tells how many token requests passed the PKCE check.
"""

import argparse
import base64
import hashlib
import io
import json
import os
from urllib.parse import parse_qs
from urllib.parse import urlparse


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


def main(argv=None):
    # Here, not at the top: oidc-provider-mock (and its uvicorn) come with the
    # test extra only, and the portal's own code never imports this module.
    import uvicorn
    from oidc_provider_mock import app
    from oidc_provider_mock._storage import User

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9400)
    parser.add_argument(
        "--user-claims",
        action="append",
        default=[],
        help='a predefined user as JSON with a "sub" (repeatable)',
    )
    args = parser.parse_args(argv)
    users = []
    for text in args.user_claims:
        claims = json.loads(text)
        users.append(User(sub=claims.pop("sub"), claims=claims))
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on loopback
    uvicorn.run(
        PKCEMiddleware(app(require_nonce=True, user_claims=users)),
        interface="wsgi",
        host=args.host,
        port=args.port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
