"""One settings object for every entry point, from the environment (prefix `SPINEWISE_`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "SmartClient", "TrustedIssuer"]


class TrustedIssuer(BaseModel):
    """A CDS Hooks client (an EHR) whose signed calls are accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jwks: str = Field(description="Its JWKS: an https URL, or a file path.")
    fhir: list[str] = Field(
        default_factory=list,
        description="FHIR base URLs its calls may name as `fhirServer` (prefetch is fetched "
        "from these only).",
    )
    jku: list[str] = Field(
        default_factory=list,
        description="`jku` values its tokens may carry when `jwks` is a pinned local copy of "
        "that JWKS (the keys still come from `jwks`, never from the token's URL).",
    )


class SmartClient(BaseModel):
    """spinewise registered as a SMART app with one EHR's authorization server."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_id: str = Field(min_length=1)
    client_secret: SecretStr | None = Field(
        None, description="For a confidential client (client_secret_basic)."
    )
    scope: str | None = Field(None, description="Scopes to ask for instead of the default.")


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
    # --- EHR integration: CDS Hooks, SMART App Launch and outbound calls -----------------------
    cds_trusted_issuers: dict[str, TrustedIssuer | str] = Field(
        default_factory=dict,
        description='CDS Hooks: JSON object of issuer → {"jwks": URL or file, "fhir": [FHIR '
        "base URLs it may name]} (or issuer → its JWKS alone: no fhirServer then).",
    )
    cds_auth: Literal["on", "off"] = Field(
        "on", description="off: accept CDS Hooks calls without a token (testing only)."
    )
    cds_sandbox_compat: bool = Field(
        False,
        description="Also put PAMA ratings under extension.systemActions, where the public CDS "
        "Hooks sandbox reads them.",
    )
    cds_feedback_comments: bool = Field(
        False,
        description="Also store the clinician's free-text override comment with CDS Hooks "
        "feedback (off: only card, outcome, time, suggestion ids and reason code).",
    )
    cds_replay_path: Path | None = Field(
        None,
        description="SQLite file of CDS Hooks token ids already used (default: beside the "
        "decision log, `<log>.jti.sqlite3`), so a replay is refused after a restart too.",
    )
    smart_clients: dict[str, SmartClient] = Field(
        default_factory=dict,
        description="SMART App Launch: JSON object of FHIR base URL (the launch's `iss`) → "
        '{"client_id": …} (plus "client_secret" for a confidential client).',
    )
    smart_scope: str = Field(
        "launch openid fhirUser patient/*.rs", description="Scopes asked for at SMART launch."
    )
    smart_session_minutes: int = Field(
        30, ge=1, le=24 * 60, description="A SMART session (and its tokens) expire after this."
    )
    smart_cookie_samesite: Literal["lax", "strict", "none"] = Field(
        "lax",
        description='SameSite of the SMART session cookie ("none" for EHRs that embed the app '
        "in a frame; needs an https public URL).",
    )
    outbound_deadline_seconds: float = Field(
        5.0, gt=0, le=60, description="Total time for the outbound calls of one request."
    )
    outbound_max_bytes: int = Field(
        8 * 1024 * 1024, gt=0, description="The largest response read from a FHIR server."
    )
    max_header_bytes: int = Field(
        16 * 1024, ge=8 * 1024, description="Larger request headers get 431."
    )
    dev_allow_http: bool = Field(
        False,
        description="Development only: allow http:// FHIR servers, JWKS and SMART issuers "
        "(loopback testing). Off: https only.",
    )

    def trusted_issuer(self, iss: str) -> TrustedIssuer | None:
        """The trusted issuer `iss`, in the long form whichever form configured it."""
        found = self.cds_trusted_issuers.get(iss)
        return TrustedIssuer(jwks=found) if isinstance(found, str) else found

    @property
    def replay_path(self) -> Path:
        return self.cds_replay_path or self.log_path.with_name(self.log_path.stem + ".jti.sqlite3")

    @property
    def smart_sessions_path(self) -> Path:
        return self.log_path.with_name(self.log_path.stem + ".smart.sqlite3")

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
        description="Answer plain POST /api/v1/assess requests without FastAPI's middleware "
        "and parameter handling (the same answers, less CPU; docs/performance.md). false: "
        "FastAPI's route answers all.",
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
