# Stand-in for the official gcc:12, built from Debian 12's build-essential (gcc 12.2, g++, make,
# libc6-dev). The official image compiles GCC into /usr/local on top of buildpack-deps:bookworm;
# here gcc, g++ and make are Debian's in /usr/bin, which is on PATH all the same. apt-get works
# as in the official image, so a builder can add cmake and -dev packages.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV GCC_VERSION=12.2.0
CMD ["bash"]
