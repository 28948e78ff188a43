// Reads the node's parameters once (from item 0: they describe the export, not an item) and
// turns them into the core's ExportOptions plus where the profiles come from. The options' limits
// and their check live in core/options.ts; this file only renames n8n's parameters and names a
// refused option as the panel does (optionPanelName).

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AttributeMapping, ExportOptions, SegmentSource, StatusIfNew } from '../core/types';
import { MAX_CONCURRENCY, MAX_PROFILES } from '../core/options';
import { ENCODING_NAMES, type FileEncoding, isFileEncoding } from '../input';
import type { Authentication } from '../transport/request';

export type FileFormat = 'csv' | 'ndjson';

export type InputConfig =
	| { kind: 'items' }
	| { kind: 'binary'; binaryProperty: string; fileFormat: FileFormat; csvDelimiter: string; encoding: FileEncoding };

export interface NodeParameters {
	authentication: Authentication;
	input: InputConfig;
	options: ExportOptions;
}

/** The `authentication` parameter as the transport's Authentication. */
export function asAuthentication(value: unknown): Authentication {
	return value === 'oAuth2' ? 'oAuth2' : 'apiKey';
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value).trim();
}

/** The names picked in a multiOptions parameter, trimmed, empty entries dropped. */
function tagNames(value: unknown): string[] {
	return (Array.isArray(value) ? value : []).map(text).filter((name) => name !== '');
}

/** A comma-separated list of names, trimmed, empty entries and repeats dropped. */
export function splitNames(value: unknown): string[] {
	const names = text(value)
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	return [...new Set(names)];
}

/**
 * A number parameter as a number (an expression may give text); left empty: `fallback`. What is
 * no number is passed on as it is, for core/options.ts to refuse naming the value.
 */
function numberOf(value: unknown, fallback: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = typeof value === 'number' ? value : Number(value);
	return (Number.isNaN(number) ? value : number) as number;
}

/** Where the user finds each core option that is set under Options, as the panel names it. */
const OPTION_PANEL_NAMES: Record<string, string> = {
	maxProfiles: 'Max Profiles',
	maxConcurrency: 'Max Concurrency',
	statusIfNew: 'Status If New',
};

/** The panel's name of a core option path ("maxProfiles": "Max Profiles"), if it is under Options. */
export function optionPanelName(option: string): string | undefined {
	return OPTION_PANEL_NAMES[option];
}

function attributesOf(ctx: IExecuteFunctions, value: unknown): AttributeMapping[] {
	const entries = ((value as IDataObject | undefined)?.attribute ?? []) as IDataObject[];
	const attributes: AttributeMapping[] = [];
	entries.forEach((entry, position) => {
		const mergeField = text(entry.mergeField);
		const sourceField = text(entry.sourceField);
		if (mergeField === '' && sourceField === '') return;
		if (mergeField === '' || sourceField === '') {
			throw new NodeOperationError(ctx.getNode(), `Attribute ${position + 1} is incomplete`, {
				description:
					mergeField === ''
						? `Choose the merge field that "${sourceField}" is exported to, or remove the attribute.`
						: `Enter the path of the field exported to ${mergeField}, or remove the attribute.`,
			});
		}
		attributes.push({ mergeField: mergeField.toUpperCase(), sourceField });
	});
	return attributes;
}

const DELIMITERS = [',', ';', '\t', '|'];

function csvDelimiter(ctx: IExecuteFunctions, value: unknown): string {
	const delimiter = typeof value === 'string' && value !== '' ? value : ',';
	if (!DELIMITERS.includes(delimiter)) {
		throw new NodeOperationError(ctx.getNode(), `Unknown CSV delimiter ${JSON.stringify(delimiter)}`, {
			description: 'Choose comma, semicolon, tab or pipe under Delimiter.',
		});
	}
	return delimiter;
}

function fileEncoding(ctx: IExecuteFunctions, value: unknown): FileEncoding {
	const encoding = text(value).toLowerCase() || 'utf-8';
	if (!isFileEncoding(encoding)) {
		throw new NodeOperationError(ctx.getNode(), `Unknown file encoding ${JSON.stringify(value)}`, {
			description: `Choose one of ${Object.values(ENCODING_NAMES).join(', ')} under File Encoding.`,
		});
	}
	return encoding;
}

export function readParameters(ctx: IExecuteFunctions): NodeParameters {
	const node = ctx.getNode();
	const get = (name: string, fallback?: unknown): unknown => ctx.getNodeParameter(name, 0, fallback);

	const listId = text(ctx.getNodeParameter('audience', 0, '', { extractValue: true }));
	if (listId === '') {
		throw new NodeOperationError(node, 'No audience is selected', {
			description: 'Choose the Mailchimp audience to export to in the Audience parameter.',
		});
	}

	const inputSource = text(get('inputSource', 'items'));
	const input: InputConfig =
		inputSource === 'binary'
			? {
					kind: 'binary',
					binaryProperty: text(get('binaryProperty', 'data')) || 'data',
					fileFormat: text(get('fileFormat', 'csv')) === 'ndjson' ? 'ndjson' : 'csv',
					csvDelimiter: csvDelimiter(ctx, get('csvDelimiter', ',')),
					encoding: fileEncoding(ctx, get('fileEncoding', 'utf-8')),
				}
			: { kind: 'items' };

	const segmentSource: SegmentSource =
		text(get('segmentSource', 'field')) === 'fixed'
			? { kind: 'fixed', name: text(get('segmentName', '')) }
			: { kind: 'field', field: text(get('segmentField', 'segments')) };
	if (segmentSource.kind === 'fixed' && segmentSource.name === '') {
		throw new NodeOperationError(node, 'The segment name is empty', {
			description: 'Enter the name of the segment the whole input belongs to in Segment Name.',
		});
	}

	const extra = (get('options', {}) ?? {}) as IDataObject;
	// Checked with the other options in core/options.ts (STATUSES_IF_NEW).
	const statusIfNew = (text(extra.statusIfNew) || 'subscribed') as StatusIfNew;
	const consentField = text(extra.consentField);

	const firstName = text(get('firstNameField', ''));
	const lastName = text(get('lastNameField', ''));

	return {
		authentication: asAuthentication(get('authentication', 'apiKey')),
		input,
		options: {
			listId,
			mapping: {
				email: text(get('emailField', 'email')),
				firstName: firstName === '' ? undefined : firstName,
				lastName: lastName === '' ? undefined : lastName,
				attributes: attributesOf(ctx, get('attributes', {})),
			},
			segmentSource,
			selectedSegments: [...new Set([...tagNames(get('segmentTags', [])), ...splitNames(get('segments', ''))])],
			statusIfNew,
			consentField: consentField === '' ? undefined : consentField,
			removeMembersWhoLeft: extra.removeMembersWhoLeft === true,
			onlySendChanges: extra.onlySendChanges === true,
			skipMergeValidation: extra.skipMergeValidation === true,
			dryRun: extra.dryRun === true,
			maxProfiles: numberOf(extra.maxProfiles, MAX_PROFILES.default),
			maxConcurrency: numberOf(extra.maxConcurrency, MAX_CONCURRENCY.default),
		},
	};
}
