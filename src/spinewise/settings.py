"""One settings object for every entry point, from the environment (prefix `SPINEWISE_`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
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
    access_log: Literal["off", "json", "text"] = Field(
        "off",
        description="Access log: off; json (one JSON line per request on stdout: method, route "
        "template, status, time; never a query, header, body or path value); text (uvicorn's, "
        "whose URLs can carry patient answers). true/false still mean text/off.",
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

    # --- the decision log, serving, metrics (issue 15) ---------------------------------------
    log_url: SecretStr | None = Field(
        None,
        description="A PostgreSQL decision log (postgresql://user:password@host/db), shared by "
        "several hosts, instead of the SQLite file at log_path; needs log_key or log_key_file.",
    )
    log_key_file: Path | None = Field(
        None,
        description="A file holding the log's hex key (for example a container secret), "
        "instead of log_key.",
    )
    metrics: bool = Field(True, description="Serve GET /metrics (Prometheus text format).")
    lean_route: bool = Field(
        True,
        description="Answer plain POST /api/v1/assess requests without FastAPI's parameter "
        "handling (the same answers, less CPU; docs/performance.md). false: FastAPI's route "
        "answers all.",
    )

    @field_validator("access_log", mode="before")
    @classmethod
    def _access_log_was_a_switch(cls, value: object) -> object:
        # It was a bool: keep true/false (and 1/0, yes/no) working.
        if isinstance(value, bool):
            return "text" if value else "off"
        if isinstance(value, str) and value.lower() in {"true", "1", "yes", "on"}:
            return "text"
        if isinstance(value, str) and value.lower() in {"false", "0", "no"}:
            return "off"
        return value

    @field_validator("log_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("log_key")
    @classmethod
    def _hex_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                key = bytes.fromhex(value.get_secret_value())
            except ValueError:
                raise ValueError("must be hex (64 characters for a 32-byte key)") from None
            if len(key) < 16:
                raise ValueError("must be at least 16 bytes (32 hex characters)")
        return value
