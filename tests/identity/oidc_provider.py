"""A real OpenID Connect provider process on loopback for the tests.

It is ``cpms.identity.oidc_dev``: oidc-provider-mock, wrapped to require PKCE
like EU Login.  The test POSTs the subject (``sub``) to the provider's
authorization form to log in as that user::

    provider = OIDCProvider().start()
    provider.set_user("dr.x", {"email": "x@example.org", "given_name": "X"})
    ...
    provider.stop()
"""

import os
import socket
import subprocess
import sys
import time

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OIDCProvider:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.url = f"http://{self.host}:{self.port}"
        self.process = None

    def start(self):
        env = dict(os.environ, AUTHLIB_INSECURE_TRANSPORT="1")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "cpms.identity.oidc_dev", "--port", str(self.port)],
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
