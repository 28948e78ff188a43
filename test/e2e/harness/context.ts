/**
 * What every scenario shares: the n8n install of the line under test (E2E_N8N), and the package
 * built and packed once per run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureN8n, REPO_ROOT, type N8nInstall } from './install';
import { e2eLine, type N8nLine } from './lines';

export interface E2eContext {
	install: N8nInstall;
	/** The `npm pack` tarball of the package, or '' when E2E_NO_PACKAGE=1. */
	tarball: string;
}

export const WORK_DIR = path.join(REPO_ROOT, '.tmp', 'e2e');
const contextFile = (line: N8nLine): string => path.join(WORK_DIR, `context-n8n${line}.json`);

function sh(cmd: string, args: string[], log: (l: string) => void): string {
	log(`$ ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', env: process.env });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})\n${r.stdout}\n${r.stderr}`);
	return r.stdout;
}

/** Builds (`npm run build`) and packs (`npm pack`) the package; returns the tarball's path. */
export function buildAndPack(log: (l: string) => void, dest = WORK_DIR): string {
	fs.mkdirSync(dest, { recursive: true });
	if (!process.env.E2E_SKIP_BUILD) sh('npm', ['run', 'build', '--silent'], log);
	const out = sh('npm', ['pack', '--json', '--pack-destination', dest], log);
	const info = JSON.parse(out.slice(out.indexOf('[')));
	return path.join(dest, info[0].filename);
}

export function prepare(opts: { line: N8nLine; log?: (l: string) => void }): E2eContext {
	const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
	const install = ensureN8n({ line: opts.line, log });
	const tarball = process.env.E2E_NO_PACKAGE ? '' : buildAndPack(log);
	const ctx: E2eContext = { install, tarball };
	fs.mkdirSync(WORK_DIR, { recursive: true });
	fs.writeFileSync(contextFile(opts.line), JSON.stringify(ctx, null, 2));
	return ctx;
}

/** The context global-setup wrote for the line under test (E2E_N8N). */
export function loadContext(): E2eContext {
	const file = contextFile(e2eLine());
	if (!fs.existsSync(file)) throw new Error(`${file} is missing: run the suite with \`npm run test:e2e\``);
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}
