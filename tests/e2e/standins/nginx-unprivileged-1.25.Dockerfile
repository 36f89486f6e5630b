# Stand-in for the official nginxinc/nginx-unprivileged:1.25, built from Debian 12's nginx
# (1.22): nginx at /usr/sbin/nginx with /etc/nginx/mime.types and /usr/share/nginx/html, a user
# nginx with uid 101 (gid 101), logs symlinked to the container's output, a /docker-entrypoint.sh
# that runs the command it is given, EXPOSE 8080, STOPSIGNAL SIGQUIT and USER 101 as in the
# official image. Its own configuration is Debian's (stagec's static template brings its own).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 101 nginx \
 && useradd --system --uid 101 --gid nginx --no-create-home --home-dir /nonexistent --shell /bin/false nginx \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && mkdir -p /usr/share/nginx/html \
 && printf '#!/bin/sh\nset -e\nexec "$@"\n' >/docker-entrypoint.sh && chmod 0755 /docker-entrypoint.sh
ENV NGINX_VERSION=1.22.1
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE 8080
STOPSIGNAL SIGQUIT
USER 101
CMD ["nginx", "-g", "daemon off;"]
