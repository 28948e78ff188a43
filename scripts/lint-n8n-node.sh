#!/usr/bin/env bash
# The shipped code (nodes/, credentials/, package.json) under the default lint config of n8n's
# own CLI, `n8n-node lint` from @n8n/node-cli, which n8n's starter template ships. Our
# eslint.config.mjs keeps n8n's community rules; this adds what the CLI's default config adds
# (eslint and typescript-eslint recommended, import-x). The CLI is installed once into a cache
# folder, outside the package's devDependencies (it brings some 600 packages).
set -euo pipefail

version=0.48.3
cache="${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-mailchimp-segments/node-cli-$version"
repo="$(cd "$(dirname "$0")/.." && pwd)"

if [ ! -e "$cache/.install-ok" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	echo '{ "private": true }' >"$cache/package.json"
	# Not the repo's npm settings (npm run puts them in the environment).
	env -u npm_config_legacy_peer_deps npm install --prefix "$cache" --no-audit --no-fund --ignore-scripts --loglevel=error "@n8n/node-cli@$version"
	printf "import { config } from '@n8n/node-cli/eslint';\nexport default config;\n" >"$cache/eslint.config.mjs"
	touch "$cache/.install-ok"
fi

cd "$repo"
"$cache/node_modules/.bin/eslint" --max-warnings 0 --config "$cache/eslint.config.mjs" nodes credentials package.json
echo "n8n-node lint (@n8n/node-cli $version default config): no problems"
