#!/usr/bin/env bash
# The MCPB bundle Claude Desktop installs in one click, built from this checkout's committed sources:
#
#   deploy/mcpb/build.sh OUT.mcpb        (needs node and the @anthropic-ai/mcpb packer; .ci/run installs both
#                                         under .tools/, or point MCPB at another mcpb executable)
#
# A `uv` runtime bundle: the host runs `uv run` in the unpacked folder, which installs the dependencies
# pyproject.toml names, so the bundle carries sources only (manifest.json says how it starts, and the
# user_config it asks for: the database file and the model providers' keys).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:-$root/dist/pilothouse.mcpb}")
mcpb=${MCPB:-$root/.tools/node_modules/.bin/mcpb}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$root/deploy/mcpb/manifest.json" "$stage/"
(cd "$root" && git ls-files -z pyproject.toml README.md server skills modules prompts | xargs -0 cp --parents -t "$stage")
"$mcpb" validate "$stage/manifest.json"
mkdir -p "$(dirname "$out")"
"$mcpb" pack "$stage" "$out"
