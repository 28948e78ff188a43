/**
 * Jest globalSetup for the e2e suite: installs n8n of the line under test (E2E_N8N=1|2) or
 * reuses the cached install, builds the package and packs it once. Scenarios read the result
 * through `loadContext()`.
 */
import { prepare } from './context';
import { e2eLine } from './lines';

export default async function globalSetup(): Promise<void> {
	const ctx = prepare({ line: e2eLine(), log: (l) => process.stderr.write(`[e2e] ${l}\n`) });
	process.stderr.write(
		`[e2e] n8n ${ctx.install.version} ${ctx.install.installed ? `installed in ${Math.round(ctx.install.durationMs / 1000)} s` : 'reused from cache'} (${ctx.install.dir})\n` +
			`[e2e] package: ${ctx.tarball}\n`,
	);
}
