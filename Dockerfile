# sitebot: one image for `sitebot serve` (web + worker + scheduler in one process, or
# `serve --worker-process`). Build: docker build -t sitebot .   Run: see docker-compose.yml.
FROM python:3.11-slim-bookworm

# CJK fonts: report charts (PNG) and PDF exports draw Chinese text; without them, boxes.
# Not pinned: bookworm's versions move with its security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk curl \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SITEBOT_HOST=0.0.0.0 \
    SITEBOT_PORT=8080 \
    SITEBOT_DATABASE_URL=sqlite+aiosqlite:////data/sitebot.db \
    SITEBOT_MEDIA_DIR=/data/media \
    SITEBOT_LOG_FORMAT=json

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY domain ./domain
COPY templates ./templates
COPY config ./config
# The report classifier is fitted here, at build time, not in the serving process; the PDFs'
# CJK font cut too (handlers/documents/build_font.py).
RUN pip install . \
    && python -m domain.capture.build \
    && python -m handlers.documents.build_font

RUN useradd --system --uid 10001 --home-dir /data sitebot \
    && mkdir -p /data/media && chown -R sitebot:sitebot /data
USER 10001
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]

CMD ["sitebot", "serve"]
