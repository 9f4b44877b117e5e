# zengzhi's image: the API (the default command) and, with another command, the worker
# and the CLI. See docs/deploy.md; compose.yaml runs it with PostgreSQL.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/zengzhi
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /srv/zengzhi zengzhi

# nothing is written inside the image: the database is PostgreSQL, the secrets come from
# the environment (ZENGZHI_SECRET_KEY, ZENGZHI_PAYEE_KEYS)
USER zengzhi
EXPOSE 8000
# several processes (--workers) share the database; the jobs and webhooks run in the worker
# (compose.yaml), so the API processes start with ZENGZHI_RUN_JOBS=false. TLS ends at the
# proxy in front, whose X-Forwarded-* headers are believed from the addresses it sends from.
CMD ["uvicorn", "zengzhi.app:from_environment", "--factory", \
     "--host", "0.0.0.0", "--port", "8000", "--workers", "4", \
     "--proxy-headers", "--forwarded-allow-ips", "*", "--no-server-header"]
