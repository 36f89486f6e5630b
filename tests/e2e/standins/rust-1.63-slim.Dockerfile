# Stand-in for the official rust:1.63-slim, built from Debian 12's rustc 1.63 and cargo packages.
# Laid out like the official image where Dockerfiles notice: cargo and rustc on PATH through
# /usr/local/cargo/bin, CARGO_HOME=/usr/local/cargo (the registry cache lands there), gcc and
# libc6-dev for linking, ca-certificates. No rustup: the toolchain is Debian's.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends rustc cargo gcc libc6-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /usr/local/cargo/bin \
 && ln -s /usr/bin/cargo /usr/local/cargo/bin/cargo \
 && ln -s /usr/bin/rustc /usr/local/cargo/bin/rustc \
 && ln -s /usr/bin/rustdoc /usr/local/cargo/bin/rustdoc
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    RUST_VERSION=1.63.0
CMD ["bash"]
