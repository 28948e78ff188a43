// Reads the node's parameters once (from item 0: they describe the export, not an item) and
// turns them into the core's ExportOptions plus where the profiles come from.

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AttributeMapping, ExportOptions, SegmentSource, StatusIfNew } from '../core/types';
import { MAX_CONCURRENCY, MAX_PROFILES, type NumberLimit } from '../core/limits';
import { ENCODING_NAMES, type FileEncoding, isFileEncoding } from '../input';
import type { Authentication } from '../transport/request';
import { asAuthentication } from './errors';

export type FileFormat = 'csv' | 'ndjson';

export type InputConfig =
	| { kind: 'items' }
	| { kind: 'binary'; binaryProperty: string; fileFormat: FileFormat; csvDelimiter: string; encoding: FileEncoding };

export interface NodeParameters {
	authentication: Authentication;
	input: InputConfig;
	options: ExportOptions;
}

const STATUSES: StatusIfNew[] = ['subscribed', 'pending', 'transactional', 'audienceDefault'];

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

function wholeNumber(ctx: IExecuteFunctions, value: unknown, { min, max, default: fallback }: NumberLimit, name: string): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = typeof value === 'number' ? value : Number(value);
	if (!Number.isInteger(number) || number < min || number > max) {
		throw new NodeOperationError(ctx.getNode(), `${name} must be a whole number from ${min} to ${max}`, {
			description: `It is ${JSON.stringify(value)}. Change it under Options > ${name}.`,
		});
	}
	return number;
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
	const statusIfNew = text(extra.statusIfNew) || 'subscribed';
	if (!STATUSES.includes(statusIfNew as StatusIfNew)) {
		throw new NodeOperationError(node, `Unknown "Status If New": ${statusIfNew}`, {
			description: `Choose one of: ${STATUSES.join(', ')}.`,
		});
	}
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
			statusIfNew: statusIfNew as StatusIfNew,
			consentField: consentField === '' ? undefined : consentField,
			removeMembersWhoLeft: extra.removeMembersWhoLeft === true,
			onlySendChanges: extra.onlySendChanges === true,
			skipMergeValidation: extra.skipMergeValidation === true,
			dryRun: extra.dryRun === true,
			maxProfiles: wholeNumber(ctx, extra.maxProfiles, MAX_PROFILES, 'Max Profiles'),
			maxConcurrency: wholeNumber(ctx, extra.maxConcurrency, MAX_CONCURRENCY, 'Max Concurrency'),
		},
	};
}
