FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY lib/ ./lib/
RUN npm ci --omit=dev --install-links --no-audit --no-fund
COPY . .
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin app
ENV NODE_ENV=production
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["node", "-e", "require('http').get('http://127.0.0.1:3000/', r => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]
CMD ["node", "server.js"]
