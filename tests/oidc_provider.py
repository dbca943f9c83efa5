"""A real OpenID Connect provider for the sign-on tests: tests/oidc/provider.mjs (the
oidc-provider package) run by Node.js on a free loopback port.

``npm ci`` installs it the first time (node_modules is not kept in git). Without Node.js the tests
that need it skip, saying why; with CI=true they fail instead.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
KEY_ID = "leanhub-test-key"
CLIENT_ID = "leanhub"
CLIENT_SECRET = "leanhub-test-secret"


def _node_or_skip() -> str:
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node and npm:
        # Parallel test workers may all get here on a fresh clone: one installs, the rest wait.
        with (PROVIDER_DIR / ".npm-install.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
                subprocess.run(
                    [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                    cwd=PROVIDER_DIR,
                    check=True,
                    timeout=600,
                )
        return node
    message = "Node.js and npm are needed to run the test OpenID provider (tests/oidc)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LoopbackProvider:
    """A running provider: its issuer, and the private key it signs ID tokens with."""

    issuer: str
    key: rsa.RSAPrivateKey
    process: subprocess.Popen[bytes]
    log: Path
    clients: list[dict[str, Any]] = field(default_factory=list)

    def settings_entry(self, key: str = "test", **overrides: str) -> dict[str, str]:
        entry = {
            "key": key,
            "name": "Test Provider",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": "openid email profile groups",
            "sign_algo": "RS256",
            "email_claim": "email",
        }
        entry.update(overrides)
        return entry

    def sign(self, claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None) -> str:
        """An ID token signed with the provider's own key (or another), for the tests of
        what LeanHub refuses."""
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_provider(
    workdir: Path, *, redirect_uris: list[str], post_logout_redirect_uris: list[str]
) -> LoopbackProvider:
    node = _node_or_skip()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.pop("key_ops", None)  # PyJWT marks a private key "sign" only; the provider verifies too
    jwk.update(kid=KEY_ID, use="sig", alg="RS256")
    jwks_file = workdir / "jwks.json"
    jwks_file.write_text(json.dumps({"keys": [jwk]}))
    clients = [
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": post_logout_redirect_uris,
        }
    ]
    port = _free_port()
    log = workdir / "provider.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENTS": json.dumps(clients),
        "JWKS_FILE": str(jwks_file),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [node, "provider.mjs"], cwd=PROVIDER_DIR, env=env, stdout=out, stderr=out
        )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"The test OpenID provider did not start:\n{log.read_text()}")
        time.sleep(0.1)
    return LoopbackProvider(issuer=issuer, key=key, process=process, log=log, clients=clients)


def sign_in_at_provider(
    provider: LoopbackProvider,
    authorize_url: str,
    login: str,
    session: requests.Session | None = None,
) -> str:
    """Drive the provider's own sign-in form as a browser would; return the URL it finally
    sends the browser back to (LeanHub's callback, with the code and state)."""
    session = session or requests.Session()
    url = authorize_url
    for _ in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(provider.issuer):
                return url
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert form, f"No form on the provider's page:\n{response.text[:2000]}"
        action = urljoin(url, unescape(form.group(1)))
        data = {"prompt": "login", "login": login, "password": "any"}
        if 'value="consent"' in response.text:
            data = {"prompt": "consent"}
        posted = session.post(action, data=data, allow_redirects=False, timeout=10)
        assert posted.is_redirect, posted.text[:2000]
        url = urljoin(action, posted.headers["Location"])
        if not url.startswith(provider.issuer):
            return url
    raise AssertionError("The provider never sent the browser back")
