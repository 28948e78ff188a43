// Lint = the rules n8n itself applies to community packages (the same rule sets and
// overrides as `@n8n/scan-community-package` and `n8n-node lint`), on our sources.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { defineConfig, globalIgnores } from 'eslint/config';

export default defineConfig(
	globalIgnores([
		'dist/**',
		'**/node_modules/**',
		'coverage/**',
		'bench/out/**',
		'.n8n-e2e/**',
		'.tmp/**',
		'package-lock.json',
	]),
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' },
	},
	// package.json is linted as a JSON object literal, which the TypeScript parser reads.
	{
		files: ['package.json'],
		languageOptions: { parser: tsParser },
	},
	// The community rules look at package.json, nodes/ and credentials/ only (each rule
	// picks its files); tests and scripts are not shipped.
	{
		files: ['package.json', 'nodes/**/*.ts', 'credentials/**/*.ts'],
		...n8nCommunityNodesPlugin.configs.recommended,
	},
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{
		files: ['package.json'],
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Community packages link to their own docs, not to docs.n8n.io slugs.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Covered more accurately by @n8n/community-nodes/credential-password-field.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	// Shipped code runs inside n8n: no console output.
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		rules: { 'no-console': 'error' },
	},
);
