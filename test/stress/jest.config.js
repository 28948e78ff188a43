/**
 * Stress suite: the export under fault storms at scale (100,000 profiles against a simulator
 * with seeded 5xx, 429 storms, resets and slow answers). Slower than the unit tests, so a suite
 * of its own: `npm run test:stress`; `npm test` runs it after the unit tests.
 * @type {import('jest').Config}
 */
module.exports = {
	displayName: 'stress',
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/stress'],
	testMatch: ['**/*.stress.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
	transform: {
		'^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }],
	},
	testTimeout: 5 * 60 * 1000,
};
