#!/usr/bin/env bash
# Copies the front-end assets kreiskom serves from node_modules (installed
# from the committed package-lock.json) into crates/web/assets, where they
# are committed and compiled into the binary. Run after upgrading a package.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@kern-ux/native/dist
dst=crates/web/assets/kern
rm -rf "$dst"
mkdir -p "$dst/fonts/fira-sans"
cp "$src/kern.min.css" "$dst/"
cp "$src/fonts/fira-sans.css" "$dst/fonts/"
for font in $(grep -o 'fira-sans/[A-Za-z-]*\.woff2' "$src/fonts/fira-sans.css" | sort -u); do
  cp "$src/fonts/$font" "$dst/fonts/$font"
done
cp node_modules/@kern-ux/native/LICENSE.md "$dst/LICENSE.md"
echo "vendored @kern-ux/native $(node -p "require('./node_modules/@kern-ux/native/package.json').version") into $dst"

# Country outlines for the partnership maps: Natural Earth 1:50m as
# TopoJSON (public domain; world-atlas is ISC-licensed).
cp node_modules/world-atlas/countries-50m.json crates/map/data/
cp node_modules/world-atlas/LICENSE crates/map/data/LICENSE-world-atlas
echo "vendored world-atlas $(node -p "require('./node_modules/world-atlas/package.json').version") into crates/map/data"

# htmx: the admin workspace's pickers search the server while typing.
mkdir -p crates/web/assets/htmx
cp node_modules/htmx.org/dist/htmx.min.js crates/web/assets/htmx/
cp node_modules/htmx.org/LICENSE crates/web/assets/htmx/LICENSE
echo "vendored htmx.org $(node -p "require('./node_modules/htmx.org/package.json').version") into crates/web/assets/htmx"
