// The node as n8n sees it: type, outputs, credentials, parameters and their defaults, codex, icons.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MailchimpSegmentExport } from '../../../nodes/MailchimpSegmentExport/MailchimpSegmentExport.node';
import { MailchimpSegmentsApi } from '../../../credentials/MailchimpSegmentsApi.credentials';
import { MailchimpSegmentsOAuth2Api } from '../../../credentials/MailchimpSegmentsOAuth2Api.credentials';
import { defaultParameters } from './context';

const dir = join(__dirname, '../../../nodes/MailchimpSegmentExport');
const { description } = new MailchimpSegmentExport();

describe('node description', () => {
	it('is the Mailchimp Segment Export node, version 1, with Summary and Rejected outputs', () => {
		expect(description).toMatchObject({
			displayName: 'Mailchimp Segment Export',
			name: 'mailchimpSegmentExport',
			group: ['output'],
			version: 1,
			inputs: ['main'],
			outputs: ['main', 'main'],
			outputNames: ['Summary', 'Rejected'],
		});
		expect(description.subtitle).toContain('$parameter["audience"]');
	});

	it('offers both credentials, each shown for its authentication choice', () => {
		expect(description.credentials).toEqual([
			{ name: 'mailchimpSegmentsApi', required: true, displayOptions: { show: { authentication: ['apiKey'] } } },
			{ name: 'mailchimpSegmentsOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
		]);
	});

	it('has the parameters the README lists, with their defaults', () => {
		expect(defaultParameters()).toEqual({
			authentication: 'apiKey',
			audience: { mode: 'list', value: '' },
			inputSource: 'items',
			binaryProperty: 'data',
			fileFormat: 'csv',
			fileEncoding: 'utf-8',
			csvDelimiter: ',',
			emailField: 'email',
			firstNameField: '',
			lastNameField: '',
			attributes: {},
			segmentSource: 'field',
			segmentField: 'segments',
			segmentName: '',
			segmentTags: [],
			segments: '',
			options: {},
		});
		const options = description.properties.find((p) => p.name === 'options')?.options as Array<{ name: string; default: unknown }>;
		expect(Object.fromEntries(options.map((o) => [o.name, o.default]))).toEqual({
			consentField: '',
			dryRun: false,
			maxConcurrency: 10,
			maxProfiles: 1_000_000,
			onlySendChanges: false,
			removeMembersWhoLeft: false,
			skipMergeValidation: false,
			statusIfNew: 'subscribed',
		});
		const audience = description.properties.find((p) => p.name === 'audience');
		expect(audience?.modes?.map((m) => m.name)).toEqual(['list', 'id']);
		expect(audience?.modes?.[0].typeOptions).toEqual({ searchListMethod: 'searchAudiences', searchable: true });
	});

	it('field parameters take a data path', () => {
		const paths = description.properties.filter((p) => p.requiresDataPath === 'single').map((p) => p.name);
		expect(paths).toEqual(['emailField', 'firstNameField', 'lastNameField', 'segmentField']);
	});

	it('registers its listSearch and loadOptions methods', () => {
		const node = new MailchimpSegmentExport();
		expect(Object.keys(node.methods.listSearch)).toEqual(['searchAudiences']);
		expect(Object.keys(node.methods.loadOptions)).toEqual(['getMergeFields', 'getTags']);
	});

	it('has a codex in the Marketing category and both icons', () => {
		const codex = JSON.parse(readFileSync(join(dir, 'MailchimpSegmentExport.node.json'), 'utf8'));
		expect(codex.node).toBe('n8n-nodes-mailchimp-segments.mailchimpSegmentExport');
		expect(codex.categories).toContain('Marketing');
		expect(description.icon).toEqual({ light: 'file:mailchimp.svg', dark: 'file:mailchimp.dark.svg' });
		for (const icon of ['mailchimp.svg', 'mailchimp.dark.svg']) {
			expect(existsSync(join(dir, icon))).toBe(true);
			expect(readFileSync(join(dir, icon), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 60 60"/);
		}
	});

	it('is found in the nodes panel by the words people search for, and says how it differs', () => {
		const codex = JSON.parse(readFileSync(join(dir, 'MailchimpSegmentExport.node.json'), 'utf8'));
		const words = [...codex.alias, description.displayName].join(' ').toLowerCase();
		for (const word of ['mailchimp', 'tag', 'segment', 'audience', 'bulk', 'sync']) expect(words).toContain(word);
		expect(description.description).toMatch(/500 members per call/);
		expect(description.description).toMatch(/tag per segment/);
	});
});

// n8n opens a node's `documentationUrl` as it is, but appends `?utm_source=...` to a codex
// URL (after any #fragment, which then no longer jumps): fragments only where nothing is appended.
describe('documentation links', () => {
	const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
	const anchors = new Set(
		[...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
			m[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'),
		),
	);
	const landsOnHeading = (url: string) => {
		const fragment = new URL(url).hash.slice(1);
		return fragment === '' || anchors.has(fragment);
	};
	const codex = JSON.parse(readFileSync(join(dir, 'MailchimpSegmentExport.node.json'), 'utf8'));

	it('the Docs link of the panel lands on the Usage heading', () => {
		expect(description.documentationUrl).toMatch(/#usage$/);
		expect(landsOnHeading(description.documentationUrl!)).toBe(true);
	});

	it('the codex documentation has no fragment for n8n to append to', () => {
		for (const { url } of codex.resources.primaryDocumentation) expect(new URL(url).hash).toBe('');
	});

	it('credential links land on a heading of the README', () => {
		for (const { url } of codex.resources.credentialDocumentation) expect(landsOnHeading(url)).toBe(true);
		for (const Credential of [MailchimpSegmentsApi, MailchimpSegmentsOAuth2Api]) {
			const url = new Credential().documentationUrl;
			expect(new URL(url).hash).not.toBe('');
			expect(landsOnHeading(url)).toBe(true);
		}
	});
});

