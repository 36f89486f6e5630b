# The single-stage counterpart for selftest.sh, as stagec writes it (correct): its elf and stops
# checks must pass while the multi-stage one fails.
FROM gcc:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        cmake \
        libsqlite3-0 \
        libsqlite3-dev \
        tini \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
WORKDIR /app
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/opt/app \
    && cmake --build build --parallel \
    && cmake --install build
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/opt/app/bin/c-hello"]
