# syntax=docker/dockerfile:1
# Passerelle: build with the dev toolchain, run on a slim Node 22 as an unprivileged user.
# The image needs no network at run time: migrations run through Prisma's WebAssembly engine.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
# No install script runs (@node-rs/argon2 and libsql ship prebuilt binaries); the Prisma clients are
# generated without the native engine, exactly as on a developer's machine.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm run db:generate
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY interactions ./interactions
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
RUN groupadd --system --gid 10001 passerelle \
 && useradd --system --uid 10001 --gid passerelle --home-dir /app --shell /usr/sbin/nologin passerelle \
 && mkdir -p /app/data \
 && chown passerelle:passerelle /app/data
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src ./src
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/interactions ./interactions
COPY scripts/start.sh ./scripts/start.sh
COPY clients.json ./clients.json
USER passerelle
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# main.js applies pending migrations, then serves. Operators: docker exec <container> npm run admin -- --help
CMD ["sh", "scripts/start.sh"]
