"""A CDS Hooks client's keys and tokens (real keys, real signatures), and the app trusting them."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from spinewise.api import create_app
from spinewise.settings import Settings

ISSUER = "https://ehr.example.org"
#: The service's public URL in these tests (TestClient's own origin).
PUBLIC = "http://testserver"
URL = f"{PUBLIC}/cds-services/spinewise-lbp-imaging"
DATA = Path(__file__).parent / "data"


def order_sign(**changes: Any) -> dict[str, Any]:
    """Our own order-sign request: a CT lumbar spine (CPT 72131) for low back pain, no prefetch."""
    body: dict[str, Any] = json.loads((DATA / "order-sign.json").read_text())
    body.update(changes)
    return body


class Keys:
    def __init__(self, directory: Path) -> None:
        self.ec = ec.generate_private_key(ec.SECP384R1())
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other = ec.generate_private_key(ec.SECP384R1())
        self.p256 = ec.generate_private_key(ec.SECP256R1())
        jwks = {
            "keys": [
                json.loads(ECAlgorithm.to_jwk(self.ec.public_key()))
                | {"kid": "ec-1", "use": "sig", "alg": "ES384"},
                json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key()))
                | {"kid": "rsa-1", "use": "sig", "alg": "RS384"},
            ]
        }
        self.jwks_path = directory / "jwks.json"
        self.jwks_path.write_text(json.dumps(jwks))

    def token(
        self,
        *,
        aud: str = URL,
        iss: str = ISSUER,
        alg: str = "ES384",
        kid: str | None = "ec-1",
        typ: str | None = "JWT",
        key: Any = None,
        exp_in: float = 240,
        iat_in: float = 0,
        jti: str | None = None,
        extra_headers: dict[str, Any] | None = None,
    ) -> str:
        now = time.time()
        claims = {
            "iss": iss,
            "aud": aud,
            "exp": int(now + exp_in),
            "iat": int(now + iat_in),
            "jti": jti or str(uuid.uuid4()),
        }
        headers: dict[str, Any] = dict(extra_headers or {})
        if kid is not None:
            headers["kid"] = kid
        if typ is not None:
            headers["typ"] = typ
        signing = (
            key if key is not None else (self.rsa if alg.startswith(("RS", "PS")) else self.ec)
        )
        return jwt.encode(claims, signing, algorithm=alg, headers=headers)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return Keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def cds_settings(tmp_path: Path, keys: Keys) -> Settings:
    return Settings(
        log_path=tmp_path / "decisions.sqlite3",
        public_url=PUBLIC,
        cds_trusted_issuers={ISSUER: str(keys.jwks_path)},
    )


@pytest.fixture
def cds_client(cds_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(cds_settings)) as client:
        yield client


@pytest.fixture
def call(cds_client: TestClient, keys: Keys) -> Callable[..., Any]:
    """POST a CDS Hooks request with a fresh signed token."""

    def post(
        body: dict[str, Any], path: str = "/cds-services/spinewise-lbp-imaging", **token: Any
    ) -> Any:
        url = "http://testserver" + path
        headers = {"Authorization": f"Bearer {keys.token(aud=url, **token)}"}
        return cds_client.post(path, json=body, headers=headers)

    return post
