# Stand-in for gcr.io/distroless/static-debian12:nonroot: no shell, no package manager, no C
# library; /etc/passwd and /etc/group with root, nobody and nonroot (uid and gid 65532), the CA
# bundle, /tmp (1777), /home/nonroot, and USER 65532 with WORKDIR /home/nonroot, as in the real
# image. The files are prepared in a Debian stage and copied into an empty one.
FROM debian:bookworm-slim AS files
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /out/etc/ssl/certs /out/tmp /out/home/nonroot \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >/out/etc/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >/out/etc/group \
 && chmod 1777 /out/tmp \
 && chown 65532:65532 /out/home/nonroot
FROM scratch
COPY --from=files /out/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532
WORKDIR /home/nonroot
