# Stand-in for the official node:18-slim, built from Debian 12's packages (nodejs 18 + npm).
# node lands at /usr/bin/node, npm at /usr/bin/npm; /usr/local/bin symlinks mirror the official
# paths. npm is told never to reach a registry so lockfile-only local installs stay offline.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/node /usr/local/bin/node
ENV NPM_CONFIG_OFFLINE=true NPM_CONFIG_AUDIT=false NPM_CONFIG_FUND=false NPM_CONFIG_UPDATE_NOTIFIER=false
CMD ["node"]
