# Deliberately wrong multi-stage Dockerfile for selftest.sh: the final stage lacks the run-time
# library the binary links (libsqlite3-0, which libsqlite3-dev in the builder implies), so the
# binary cannot start; the elf check must name libsqlite3.so.0. The builder is what stagec writes.
FROM gcc:12 AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        cmake \
        libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/opt/app \
    && cmake --build build --parallel \
    && cmake --install build

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tini \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=builder /opt/app /opt/app
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/opt/app/bin/c-hello"]
