"""One settings object for every entry point, from the environment (prefix `SPINEWISE_`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Settings of the service and the CLI. Unknown `SPINEWISE_` variables are ignored."""

    model_config = SettingsConfigDict(env_prefix="SPINEWISE_", extra="ignore", frozen=True)

    policy: str = Field("seed", description="The default policy: seed or acr.")
    log_path: Path = Field(
        Path("spinewise-decisions.sqlite3"), description="The SQLite decision log."
    )
    log_key: SecretStr | None = Field(
        None,
        description="Hex key for hashing caller references; default: a private key file "
        "beside the log.",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS (none: CORS off)."
    )
    max_body_bytes: int = Field(64 * 1024, description="Larger request bodies get 413.")
    max_fhir_body_bytes: int = Field(
        16 * 1024 * 1024,
        description="The limit for FHIR Bundles and CDS Hooks calls, which carry a record.",
    )
    access_log: bool = Field(
        False, description="uvicorn access log (off: URLs could carry patient answers)."
    )
    public_url: str | None = Field(
        None,
        description="The service's own base URL (behind a proxy): links in cards, and the "
        "`aud` that CDS Hooks tokens must carry.",
    )
    cds_trusted_issuers: dict[str, str] = Field(
        default_factory=dict,
        description="CDS Hooks: JSON object of issuer → its JWKS (an https URL or a file path).",
    )
    cds_auth: Literal["on", "off"] = Field(
        "on", description="off: accept CDS Hooks calls without a token (testing only)."
    )
    cds_sandbox_compat: bool = Field(
        False,
        description="Also put PAMA ratings under extension.systemActions, where the public CDS "
        "Hooks sandbox reads them.",
    )
