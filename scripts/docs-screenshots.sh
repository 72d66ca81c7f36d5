#!/usr/bin/env bash
# Copies the browser test's screenshots of the main pages (.data/e2e, written
# by `yarn test:e2e`) into docs/images, where the guides show them.
# Run after the browser test when a page changed; commit the images.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shots=.data/e2e
pages=(workflow-page run-page approvals audit component-tab team-tab golden-path environments promotion-review application-page)
mkdir -p docs/images
for page in "${pages[@]}"; do
  if [ ! -f "$shots/$page.png" ]; then
    echo "docs-screenshots: $shots/$page.png is missing: run yarn test:e2e first" >&2
    exit 1
  fi
  cp "$shots/$page.png" "docs/images/$page.png"
done
echo "docs-screenshots: copied ${#pages[@]} screenshots to docs/images"
