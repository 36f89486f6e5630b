# Stand-in for the official golang:1.19, built from Debian 12's golang-1.19 package.
# The toolchain lives in /usr/lib/go-1.19; /usr/local/go points at it so go is on PATH at
# /usr/local/go/bin/go as in the official image. GOPATH=/go, GOPROXY=off, GOFLAGS=-mod=readonly,
# GOTOOLCHAIN=local so nothing is ever downloaded. Also has gcc/git like the official image.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends golang-1.19-go gcc libc6-dev git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/lib/go-1.19 /usr/local/go
ENV GOLANG_VERSION=1.19.8 GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    GOPROXY=off GOTOOLCHAIN=local GOSUMDB=off GOFLAGS=-mod=readonly
WORKDIR /go
CMD ["bash"]
