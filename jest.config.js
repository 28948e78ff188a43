/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The stress and end-to-end suites have configs of their own (npm run test:stress, test:e2e).
	testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/e2e/', '/test/stress/'],
	// `./x.js` is the TypeScript file `./x.ts` (as tsc and tsx resolve it).
	moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
	transform: {
		'^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }],
	},
	testTimeout: 30000,
};
