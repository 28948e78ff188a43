/**
 * End-to-end suite: a real n8n (installed by harness/install.ts into a cache folder) running the
 * packed package against the Mailchimp simulator, on the n8n line E2E_N8N names (1 or 2). Run
 * from the repo root: `npm run test:e2e` (both lines), `npm run test:e2e:n8n1`, `:n8n2`.
 * @type {import('jest').Config}
 */
if (process.env.E2E_N8N !== '1' && process.env.E2E_N8N !== '2') {
	throw new Error('E2E_N8N must be 1 or 2: run `npm run test:e2e:n8n1` or `npm run test:e2e:n8n2`');
}

module.exports = {
	displayName: `n8n ${process.env.E2E_N8N}.x`,
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }],
	},
	globalSetup: '<rootDir>/test/e2e/harness/global-setup.ts',
	testTimeout: 10 * 60 * 1000,
	// Two cores: two scenario files at a time, each starting its own n8n processes.
	maxWorkers: 2,
	verbose: true,
};
