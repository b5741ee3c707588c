# Pilothouse over streamable HTTP, as a non-root user, with its SQLite database on a volume.
#   docker build -t pilothouse .
#   docker run -d -p 127.0.0.1:8765:8765 -v pilothouse-data:/data \
#     -e PILOTHOUSE_TOKEN=$(openssl rand -hex 32) -e PILOTHOUSE_ALLOWED_HOSTS=mcp.example.com pilothouse
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PILOTHOUSE_DB=/data/pilothouse.db \
    PILOTHOUSE_HOST=0.0.0.0 \
    PILOTHOUSE_PORT=8765

WORKDIR /app
COPY pyproject.toml README.md ./
COPY skills ./skills
COPY modules ./modules
COPY prompts ./prompts
COPY server ./server
# A regular (non-editable) install: pip compiles the bytecode once, here, not at every start.
RUN pip install . && rm -rf /app/build

# The database (and its WAL files) live on the volume, owned by the unprivileged user.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin pilothouse \
    && mkdir -p /data && chown pilothouse:pilothouse /data
USER pilothouse
VOLUME ["/data"]
EXPOSE 8765

# Liveness: /healthz needs no token and touches neither the database nor a model.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('PILOTHOUSE_PORT', '8765'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=3).status == 200 else 1)"]

# Binding 0.0.0.0 needs PILOTHOUSE_TOKEN (or PILOTHOUSE_TOKEN_VERIFIER): the server refuses to start without.
CMD ["pilothouse", "serve", "--http"]
