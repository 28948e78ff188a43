/**
 * End-to-end suite: a real n8n (installed by harness/install.ts into a cache folder) running the
 * packed package against the Mailchimp simulator. Run from the repo root: `npm run test:e2e`.
 * @type {import('jest').Config}
 */
module.exports = {
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
