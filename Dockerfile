# syntax=docker/dockerfile:1
# The gateway image, built from this checkout in two stages:
#   docker build -t openclaw-gateway .
#   docker run -d --name openclaw -p 127.0.0.1:18789:18789 -v openclaw-state:/var/lib/openclaw openclaw-gateway
# Each stage runs a script from deploy/container/; `pnpm test:pack` runs the same scripts without
# Docker (apps/cli/test/container.pack.test.ts). See docs/DEPLOYMENT.md.
ARG NODE_IMAGE=node:24-bookworm-slim

# Stage 1: the openclaw-gateway npm tarball, made from the sources (pnpm, turbo, esbuild, vite).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN sh deploy/container/build-package.sh /out

# Stage 2: Node 24 and the installed package; nothing from the build stage but the tarball.
FROM ${NODE_IMAGE}
COPY --from=build /out/openclaw-gateway.tgz /tmp/openclaw-gateway.tgz
COPY deploy/container/ /tmp/openclaw-container/
RUN OPENCLAW_OWNER=node:node sh /tmp/openclaw-container/install.sh /tmp/openclaw-gateway.tgz \
  && rm -rf /tmp/openclaw-gateway.tgz /tmp/openclaw-container /root/.npm
ENV OPENCLAW_STATE_DIR=/var/lib/openclaw
# The image's own non-root user (uid 1000); the state volume is created owned by it.
USER node
VOLUME ["/var/lib/openclaw"]
EXPOSE 18789
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "/opt/openclaw-image/healthcheck.mjs"]
ENTRYPOINT ["/opt/openclaw-image/entrypoint.sh"]
CMD ["gateway", "run"]
