#!/bin/sh
# The image's install step (Dockerfile, final stage), also run by `pnpm test:pack`: installs the
# gateway package from its tarball into PREFIX (npm fetches its optional platform SDKs), puts
# the entrypoint, health check and default config into IMAGE_DIR, and creates the state dir.
#   OPENCLAW_PREFIX     default /usr/local (openclaw lands in PREFIX/bin)
#   OPENCLAW_IMAGE_DIR  default /opt/openclaw-image
#   OPENCLAW_STATE_DIR  default /var/lib/openclaw (the volume)
#   OPENCLAW_OWNER      user:group that owns the state dir (the image: node:node)
set -eu
tarball="${1:?usage: install.sh TARBALL}"
prefix="${OPENCLAW_PREFIX:-/usr/local}"
image_dir="${OPENCLAW_IMAGE_DIR:-/opt/openclaw-image}"
state="${OPENCLAW_STATE_DIR:-/var/lib/openclaw}"
here="$(cd "$(dirname "$0")" && pwd)"

npm install --global --prefix "$prefix" --no-audit --no-fund --loglevel=error "$tarball"
mkdir -p "$image_dir" "$state"
cp "$here/entrypoint.sh" "$here/healthcheck.mjs" "$here/openclaw.json5" "$image_dir/"
chmod 0755 "$image_dir/entrypoint.sh"
chmod 0644 "$image_dir/healthcheck.mjs" "$image_dir/openclaw.json5"
# The state dir holds the database and the token: its owner only.
chmod 0700 "$state"
if [ -n "${OPENCLAW_OWNER:-}" ]; then chown "$OPENCLAW_OWNER" "$state"; fi
"$prefix/bin/openclaw" --version >/dev/null
