# spinewise, served: the clinician's page, the REST API, CDS Hooks, /readyz and /metrics.
# Only the serving extras (no Spark, DuckDB or spaCy); a non-root user; stdout JSON access logs.
#
#   docker build -t spinewise .
#   docker run -p 8000:8000 -v spinewise-data:/var/lib/spinewise spinewise
#
# Settings are SPINEWISE_* variables (docs/howto.md): behind a TLS proxy set
# SPINEWISE_PUBLIC_URL; for several hosts, SPINEWISE_LOG_URL (PostgreSQL) and the same
# SPINEWISE_LOG_KEY (or SPINEWISE_LOG_KEY_FILE, e.g. a mounted secret) on every host.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The build context is only pyproject.toml, README.md and src/ (.dockerignore).
COPY pyproject.toml README.md /build/
COPY src /build/src
RUN python -m venv /opt/spinewise \
    && /opt/spinewise/bin/pip install --no-cache-dir '/build[serve]' \
    && rm -rf /build \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/spinewise \
       --create-home --shell /usr/sbin/nologin spinewise \
    && chmod 0700 /var/lib/spinewise

ENV PATH=/opt/spinewise/bin:$PATH \
    SPINEWISE_LOG_PATH=/var/lib/spinewise/decisions.sqlite3 \
    SPINEWISE_ACCESS_LOG=json \
    SPINEWISE_WORKERS=2

USER 10001:10001
WORKDIR /var/lib/spinewise
# The SQLite decision log and its key live here: keep them on a volume (or use PostgreSQL).
VOLUME ["/var/lib/spinewise"]
EXPOSE 8000

# Liveness. Readiness (the decision log can be written) is GET /readyz, for an orchestrator.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["spinewise", "serve", "--host", "0.0.0.0", "--port", "8000"]
