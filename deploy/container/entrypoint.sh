#!/bin/sh
# The image's entrypoint: seeds the config on first start, takes the gateway token from a secret
# file when one is named, then becomes `openclaw <args>` (exec: it receives the stop signal).
set -eu
image_dir="${OPENCLAW_IMAGE_DIR:-/opt/openclaw-image}"
state="${OPENCLAW_STATE_DIR:?OPENCLAW_STATE_DIR must name the state volume}"
mkdir -p "$state"
# The default config (bind on the container's addresses, token auth), editable in the volume.
if [ -z "${OPENCLAW_CONFIG_PATH:-}" ] && [ ! -e "$state/openclaw.json" ]; then
  cp "$image_dir/openclaw.json5" "$state/openclaw.json"
fi
# A token from a secret file goes where the gateway and `docker exec … openclaw` both read it:
# the state dir's token file (mode 0600). Without one the gateway generates a token there on
# first start and prints it once.
if [ -n "${OPENCLAW_GATEWAY_TOKEN_FILE:-}" ]; then
  umask 077
  tr -d '\r\n' < "$OPENCLAW_GATEWAY_TOKEN_FILE" > "$state/gateway.token.new"
  if [ ! -s "$state/gateway.token.new" ]; then
    rm -f "$state/gateway.token.new"
    echo "entrypoint: $OPENCLAW_GATEWAY_TOKEN_FILE is empty" >&2
    exit 2
  fi
  mv "$state/gateway.token.new" "$state/gateway.token"
fi
exec openclaw "$@"
