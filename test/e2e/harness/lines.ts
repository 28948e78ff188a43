/**
 * The n8n lines the package is tested on. Each line is an n8n version pinned by a manifest
 * folder (package.json + package-lock.json, installed with `npm ci` by install.ts) and the Node
 * version that n8n version needs. The README's table of tested versions mirrors this one.
 */
import * as path from 'node:path';

export type N8nLine = 1 | 2;

export interface LineSpec {
	line: N8nLine;
	/** The n8n version its manifest pins (checked against the install). */
	n8nVersion: string;
	/** Folder with the package.json + package-lock.json that pin n8n. */
	manifestDir: string;
	/**
	 * Node for this line: undefined = the Node running the harness (the machine's, 20 here);
	 * else the version of the npm package `node` to install into the cache (its platform
	 * package, `node-<platform>-<arch>`, holds the binary and the headers native modules build with).
	 */
	nodeVersion?: string;
	/**
	 * Run dependencies' install scripts in `npm ci`. n8n 2.x: no (some fetch prebuilt binaries
	 * from the internet); its native modules are checked and rebuilt afterwards instead.
	 */
	installScripts: boolean;
}

const E2E_DIR = path.resolve(__dirname, '..');

export const LINES: Record<N8nLine, LineSpec> = {
	1: { line: 1, n8nVersion: '1.123.50', manifestDir: path.join(E2E_DIR, 'n8n-1'), installScripts: true },
	2: { line: 2, n8nVersion: '2.41.1', manifestDir: path.join(E2E_DIR, 'n8n-2'), nodeVersion: '24.21.0', installScripts: false },
};

/** The line a new user installs today, and so the default of `npm start` and `npm run bench:n8n`. */
export const DEFAULT_LINE: N8nLine = 2;

export function parseLine(value: string | undefined, where: string): N8nLine {
	if (value === '1' || value === '2') return Number(value) as N8nLine;
	throw new Error(`${where}: expected 1 or 2 (the n8n major version), got ${JSON.stringify(value)}`);
}

/** `--n8n 1|2` (or `--n8n=1|2`) from a command line; DEFAULT_LINE when absent. */
export function lineFromArgs(argv: string[]): N8nLine {
	const i = argv.findIndex((a) => a === '--n8n' || a.startsWith('--n8n='));
	if (i < 0) return DEFAULT_LINE;
	const arg = argv[i];
	return parseLine(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1], '--n8n');
}

/** The line the e2e suite runs on: E2E_N8N=1|2 (set by `npm run test:e2e:n8n1` / `:n8n2`). */
export function e2eLine(): N8nLine {
	return parseLine(process.env.E2E_N8N, 'E2E_N8N');
}
