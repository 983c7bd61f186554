#!/bin/sh
# The image's build stage (Dockerfile, stage "build"): from a source checkout, the
# openclaw-gateway tarball in OUT_DIR/openclaw-gateway.tgz. `pnpm test:pack` runs this same
# script (apps/cli/test/container.pack.test.ts): Docker itself is not needed to test the steps.
set -eu
out="${1:?usage: build-package.sh OUT_DIR}"
cd "$(dirname "$0")/../.."
pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' package.json)"
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  npm install --global --no-audit --no-fund --loglevel=error "pnpm@$pnpm_version"
fi
pnpm install --frozen-lockfile --prefer-offline
mkdir -p "$out"
node tooling/build/pack.ts gateway --out "$out"
mv "$out"/openclaw-gateway-*.tgz "$out/openclaw-gateway.tgz"
rm -rf "$out/stage"
