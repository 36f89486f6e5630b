#!/bin/sh
# Entrypoint of the node:18-slim stand-in, behaving like the official one: if the first argument
# is an option or not a command, run it with node; otherwise run the command as given.
set -e
if [ "${1#-}" != "$1" ] || { [ -n "$1" ] && ! command -v "$1" >/dev/null 2>&1; }; then
  set -- node "$@"
fi
exec "$@"
