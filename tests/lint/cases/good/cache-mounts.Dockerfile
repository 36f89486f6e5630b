# A Flask app as stagec emits it with cache mounts: apt's lists and
# archives and pip's cache are BuildKit caches, so neither the install's
# `rm -rf /var/lib/apt/lists/*` nor pip's --no-cache-dir is needed.
# Good case for check.js and instructions.js; never built, only read.
FROM python:3.11-slim AS builder
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    apt-get update \
    && apt-get install -y --no-install-recommends -o Dir::Cache::Archives=/var/cache/apt/kept/ \
        build-essential \
        libpq-dev
WORKDIR /app
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r requirements.txt

FROM python:3.11-slim
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    apt-get update \
    && apt-get install -y --no-install-recommends -o Dir::Cache::Archives=/var/cache/apt/kept/ \
        libpq5
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .
USER 10001:10001
CMD ["/opt/venv/bin/python", "app.py"]
