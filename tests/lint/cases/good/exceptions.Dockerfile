# Exercises every allowed exception: scratch, FROM an earlier stage, digest
# pins, COPY --from by index, RUN --mount=from an earlier stage, words that
# merely contain "cd", pip3 and python3 -m pip, a quoted "cd" argument,
# pipes under `set -o pipefail` or a SHELL with pipefail, `||` and quoted `|`.
# Good case for check.js and instructions.js; never built, only read.
FROM debian:12.5-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS base
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -qy --no-install-recommends ca-certificates python3-pip \
    && rm -rf /var/lib/apt/lists/* /tmp/*
WORKDIR /src
RUN echo "cd is fine inside a string" && mkdir -p abcd/cd && printf '%s\n' cd
RUN test -d /src || echo 'a|b' "c|d" > /tmp/pipes.txt
RUN set -eu -o pipefail && ls /etc | wc -l > /tmp/etc-count.txt

FROM base AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN ls /etc | sort > /tmp/etc-sorted.txt
RUN pip3 install --no-cache-dir --break-system-packages wheel \
    && python3 -m pip install --no-cache-dir --break-system-packages build
RUN --mount=type=bind,from=base,source=/etc,target=/mnt/etc ls /mnt/etc > /tmp/etc.txt

FROM scratch AS files
COPY --from=0 /etc/ssl/certs /etc/ssl/certs
COPY --from=build /tmp/etc.txt /etc.txt

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=files / /
USER 65532:65532
ENTRYPOINT ["/bin/true"]
