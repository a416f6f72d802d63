"""One settings object for every entry point, from the environment (prefix `SPINEWISE_`)."""

from __future__ import annotations

from pathlib import Path

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
    access_log: bool = Field(
        False, description="uvicorn access log (off: URLs could carry patient answers)."
    )
    public_url: str | None = Field(
        None, description="The service's own base URL, for links in handouts and cards."
    )
