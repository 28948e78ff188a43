// Fast layer: the parameter reader on its own, with the fake n8n context and no server.
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_PROFILES } from '../../../nodes/MailchimpSegmentExport/core/options';
import { optionPanelName, readParameters, splitNames } from '../../../nodes/MailchimpSegmentExport/execute/parameters';
import { audience, createExecuteContext } from './context';

const read = (params: IDataObject) => readParameters(createExecuteContext({ params: { audience: audience('abc123'), ...params } }));

describe('readParameters', () => {
	it('renames the panel defaults into the core options', () => {
		expect(read({})).toEqual({
			authentication: 'apiKey',
			input: { kind: 'items' },
			options: {
				listId: 'abc123',
				mapping: { email: 'email', firstName: undefined, lastName: undefined, attributes: [] },
				segmentSource: { kind: 'field', field: 'segments' },
				selectedSegments: [],
				statusIfNew: 'subscribed',
				consentField: undefined,
				removeMembersWhoLeft: false,
				skipMergeValidation: false,
				onlySendChanges: false,
				dryRun: false,
				maxProfiles: DEFAULT_MAX_PROFILES,
				maxConcurrency: DEFAULT_MAX_CONCURRENCY,
			},
		});
	});

	it('merges picked and typed segments without repeats, and upper-cases merge tags', () => {
		const { options } = read({
			segmentTags: ['VIP', ' Churn '],
			segments: 'Churn, Trial,,VIP',
			attributes: { attribute: [{ mergeField: 'ltv', sourceField: 'stats.ltv' }, { mergeField: '', sourceField: '' }] },
		});
		expect(options.selectedSegments).toEqual(['VIP', 'Churn', 'Trial']);
		expect(options.mapping.attributes).toEqual([{ mergeField: 'LTV', sourceField: 'stats.ltv' }]);
	});

	it('reads a file input with its format, delimiter and encoding', () => {
		const { input } = read({ inputSource: 'binary', binaryProperty: 'file', fileFormat: 'csv', csvDelimiter: ';', fileEncoding: 'Windows-1252' });
		expect(input).toEqual({ kind: 'binary', binaryProperty: 'file', fileFormat: 'csv', csvDelimiter: ';', encoding: 'windows-1252' });
	});

	it('passes a number given as text on as a number, and anything else as it is, for the option check', () => {
		expect(read({ options: { maxConcurrency: '4' } }).options.maxConcurrency).toBe(4);
		expect(read({ options: { maxProfiles: 'lots' } }).options.maxProfiles).toBe('lots');
	});

	it('Only Send Changes is on only when the toggle is', () => {
		expect(read({ options: { onlySendChanges: true } }).options.onlySendChanges).toBe(true);
		expect(read({ options: { onlySendChanges: 'true' } }).options.onlySendChanges).toBe(false);
	});

	it('refuses what the core cannot be given, naming the parameter', () => {
		expect(() => readParameters(createExecuteContext({ params: {} }))).toThrow('No audience is selected');
		expect(() => read({ segmentSource: 'fixed', segmentName: ' ' })).toThrow('The segment name is empty');
		expect(() => read({ inputSource: 'binary', csvDelimiter: ':' })).toThrow('Unknown CSV delimiter ":"');
	});
});

describe('optionPanelName', () => {
	it('names the options under Options as the panel does, and no other', () => {
		expect(optionPanelName('maxProfiles')).toBe('Max Profiles');
		expect(optionPanelName('maxConcurrency')).toBe('Max Concurrency');
		expect(optionPanelName('statusIfNew')).toBe('Status If New');
		expect(optionPanelName('listId')).toBeUndefined();
	});
});

describe('splitNames', () => {
	it('splits, trims and drops empty entries and repeats', () => {
		expect(splitNames(' a, b,,a ,')).toEqual(['a', 'b']);
		expect(splitNames(undefined)).toEqual([]);
	});
});
