import type { INodeProperties } from 'n8n-workflow';

/** Where the profiles come from: the input items, or a CSV/NDJSON file read as a stream. */
export const inputProperties: INodeProperties[] = [
	{
		displayName: 'Input Source',
		name: 'inputSource',
		type: 'options',
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description:
					'Read the profiles from a CSV or NDJSON file carried by the input items, streamed so that large files never become items',
			},
			{
				name: 'Input Items',
				value: 'items',
				description: 'One profile per input item',
			},
		],
		default: 'items',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the binary field that holds the file',
		displayOptions: { show: { inputSource: ['binary'] } },
	},
	{
		displayName: 'File Format',
		name: 'fileFormat',
		type: 'options',
		options: [
			{
				name: 'CSV',
				value: 'csv',
				description: 'Comma-separated values with a header row naming the columns',
			},
			{
				name: 'NDJSON',
				value: 'ndjson',
				description: 'One JSON object per line',
			},
		],
		default: 'csv',
		displayOptions: { show: { inputSource: ['binary'] } },
	},
	{
		displayName: 'File Encoding',
		name: 'fileEncoding',
		type: 'options',
		options: [
			{
				name: 'ISO-8859-1',
				value: 'iso-8859-1',
				description: 'Latin-1, from older systems',
			},
			{
				name: 'UTF-16BE',
				value: 'utf-16be',
			},
			{
				name: 'UTF-16LE',
				value: 'utf-16le',
				description: 'Excel\'s "Unicode Text"',
			},
			{
				name: 'UTF-8',
				value: 'utf-8',
				description: 'Excel\'s "CSV UTF-8", Google Sheets, most exports',
			},
			{
				name: 'Windows-1252',
				value: 'windows-1252',
				description: 'Excel\'s "CSV (Comma delimited)" on Windows',
			},
		],
		default: 'utf-8',
		description:
			'How the file\'s text is encoded. A wrong choice stops the export before anything is sent, naming the encoding the file looks like.',
		displayOptions: { show: { inputSource: ['binary'] } },
	},
	{
		displayName: 'Delimiter',
		name: 'csvDelimiter',
		type: 'options',
		options: [
			{ name: 'Comma (,)', value: ',' },
			{ name: 'Pipe (|)', value: '|' },
			{ name: 'Semicolon (;)', value: ';' },
			{ name: 'Tab', value: '\t' },
		],
		default: ',',
		description:
			'The character between the columns. Spreadsheets saved in regions that write decimal commas often use semicolons.',
		displayOptions: { show: { inputSource: ['binary'], fileFormat: ['csv'] } },
	},
];
