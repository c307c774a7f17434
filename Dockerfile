# mms-chatops. Build: docker build -t mms-chatops .
# Run:   docker run --env-file .env -p 3000:3000 -v mms-data:/data mms-chatops
# The image runs `node dist/main.js` under tini, so `docker stop` (SIGTERM) reaches the bot and it shuts
# down gracefully: no new requests, the running watcher cycle finishes, the database closes.

# Build: every dependency, compile src/ to dist/ (`npm ci` runs `prepare`, which builds), then drop the
# development dependencies. better-sqlite3 builds from source when no prebuilt binary matches.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

# Runtime: production dependencies and dist/ only; no compiler, no sources, no npm in the process tree.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production DATABASE_PATH=/data/mms-chatops.db PORT=3000 METRICS_PORT=9464
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
# 3000: Slack (POST /slack/events) and GET /healthz. /metrics listens on 127.0.0.1:9464 inside the
# container; to scrape it from outside set METRICS_HOST=0.0.0.0 and publish 9464 on a private network only.
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
