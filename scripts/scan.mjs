#!/usr/bin/env node
// `npm run scan`: n8n's own gate for community packages (@n8n/scan-community-package),
// run locally. The published-package path of that tool (npm provenance, registry download,
// source fetch) needs a package on npm; here we feed its analysis the same two inputs:
//   1. the tarball `npm pack` would publish, linted as n8n lints a downloaded package
//      (`analyzePackage(dir, ['**/*.js', 'package.json'])`);
//   2. our sources, linted as n8n lints the attested source (`SOURCE_FILE_PATTERNS`).
// Any error or warning fails the scan. Nothing here touches the network.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import glob from 'fast-glob';
import {
	analyzePackage,
	buildScanConfig,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];
const offline = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { cwd: root, env: offline, encoding: 'utf8', ...options });
	if (result.status !== 0) {
		process.stderr.write(result.stdout ?? '');
		process.stderr.write(result.stderr ?? '');
		throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
	}
	return result.stdout;
}

/** Packs the package as npm would publish it and unpacks it into `into`/package. */
function packInto(into) {
	const output = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', into]);
	const [{ filename }] = JSON.parse(output);
	run('tar', ['-xzf', path.join(into, filename), '-C', into]);
	return path.join(into, 'package');
}

/** Warnings do not fail n8n's verdict, but they fail ours: list them with the same config. */
async function warningsOf(dir, patterns) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = (await eslint.lintFiles(files)).filter((r) => r.warningCount > 0);
	if (results.length === 0) return '';
	const formatter = await eslint.loadFormatter('stylish');
	return formatter.format(results);
}

async function scan(label, dir, patterns) {
	const verdict = await analyzePackage(dir, patterns);
	const warnings = await warningsOf(dir, patterns);
	const passed = verdict.passed && warnings === '';
	console.log(`${passed ? 'PASS' : 'FAIL'} ${label}: ${patterns.join(', ')}${verdict.message ? ` (${verdict.message})` : ''}`);
	if (verdict.details) console.log(verdict.details);
	if (warnings) console.log(warnings);
	return passed;
}

async function main() {
	if (!process.argv.includes('--no-build')) run('npm', ['run', 'build'], { stdio: 'inherit' });
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	try {
		const packageDir = packInto(temp);
		const missing = [...pkg.n8n.credentials, ...pkg.n8n.nodes].filter(
			(file) => !fs.existsSync(path.join(packageDir, file)),
		);
		if (missing.length > 0) {
			console.log(`FAIL tarball: files listed under "n8n" are not in it: ${missing.join(', ')}`);
			return false;
		}
		const tarballPassed = await scan(`tarball ${pkg.name}@${pkg.version}`, packageDir, TARBALL_PATTERNS);
		const sourcePassed = await scan('sources', root, SOURCE_FILE_PATTERNS);
		return tarballPassed && sourcePassed;
	} finally {
		fs.rmSync(temp, { recursive: true, force: true });
	}
}

main().then(
	(passed) => {
		process.exitCode = passed ? 0 : 1;
	},
	(error) => {
		console.error(`scan failed: ${error.message}`);
		process.exitCode = 1;
	},
);
