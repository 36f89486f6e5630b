# Stand-in for the official node:18-slim: Debian 12's nodejs (18.20) plus npm laid out like the
# official image (/usr/local/lib/node_modules/npm, /usr/local/bin/npm), unpacked from the npm
# tarball that base-images.sh fetched on the host with `npm pack` (npm-*.tgz in the build context).
# Debian's own npm package is not used here: it pulls libnode-dev, libssl-dev and libuv1-dev, which
# the official slim image does not have. Same ENTRYPOINT/CMD as the official image.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/node /usr/local/bin/node
COPY npm.tgz docker-entrypoint.sh /tmp/standin/
RUN mkdir -p /usr/local/lib/node_modules/npm \
 && tar -xzf /tmp/standin/npm.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && install -m 0755 /tmp/standin/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh \
 && rm -rf /tmp/standin
ENV NODE_VERSION=18.20.4 NPM_CONFIG_UPDATE_NOTIFIER=false
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
