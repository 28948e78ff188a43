// The node as n8n sees it: type, outputs, credentials, parameters and their defaults, codex, icons.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MailchimpSegmentExport } from '../../../nodes/MailchimpSegmentExport/MailchimpSegmentExport.node';
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

	it('has the parameters of the issue with their defaults', () => {
		expect(defaultParameters()).toEqual({
			authentication: 'apiKey',
			audience: { mode: 'list', value: '' },
			inputSource: 'items',
			binaryProperty: 'data',
			fileFormat: 'csv',
			csvDelimiter: ',',
			emailField: 'email',
			firstNameField: '',
			lastNameField: '',
			attributes: {},
			segmentSource: 'field',
			segmentField: 'segments',
			segmentName: '',
			segments: '',
			options: {},
		});
		const options = description.properties.find((p) => p.name === 'options')?.options as Array<{ name: string; default: unknown }>;
		expect(Object.fromEntries(options.map((o) => [o.name, o.default]))).toEqual({
			consentField: '',
			dryRun: false,
			maxConcurrency: 10,
			maxProfiles: 1_000_000,
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
		expect(Object.keys(node.methods.loadOptions)).toEqual(['getMergeFields']);
	});

	it('has a codex in the Marketing category and both icons', () => {
		const codex = JSON.parse(readFileSync(join(dir, 'MailchimpSegmentExport.node.json'), 'utf8'));
		expect(codex.node).toBe('n8n-nodes-mailchimp-segments.mailchimpSegmentExport');
		expect(codex.categories).toEqual(['Marketing']);
		expect(description.icon).toEqual({ light: 'file:mailchimp.svg', dark: 'file:mailchimp.dark.svg' });
		for (const icon of ['mailchimp.svg', 'mailchimp.dark.svg']) {
			expect(existsSync(join(dir, icon))).toBe(true);
			expect(readFileSync(join(dir, icon), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 60 60"/);
		}
	});
});
