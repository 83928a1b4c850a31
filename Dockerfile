# Parvis on Node 24. Build: docker build -t parvis . — run with docker compose (see docker-compose.yml).
FROM node:24-bookworm-slim
WORKDIR /app
# MALLOC_MMAP_THRESHOLD_: as `npm run start:server` sets it (docs/admin.md, "Memory")
ENV \
    PARVIS_DATA_DIR=/data \
    PORT=3000 \
    MALLOC_MMAP_THRESHOLD_=32768
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# the web client and the server bundle (dist/client, dist/server): what `npm start` would build at its first start
RUN npm run build && mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# the command of `npm run start:server` (test/unit/server-bundle.test.ts checks that they agree)
CMD ["node_modules/.bin/node", "--max-semi-space-size=4", "--experimental-wasm-compilation-hints", "--no-wasm-dynamic-tiering", "--wasm-num-compilation-tasks=1", "server/run-bundle.mjs"]
