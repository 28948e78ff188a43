import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_PROFILES, MAX_CONCURRENCY, MAX_PROFILES } from '../core/options';


export const optionsProperties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Accept Members Missing Required Fields',
				name: 'skipMergeValidation',
				type: 'boolean',
				default: false,
				description:
					"Whether Mailchimp may add members whose required merge fields have no value (Mailchimp's skip_merge_validation). Off: an audience field marked required that the mapping does not fill stops the export before anything is written, and a row with an empty required value is rejected.",
			},
			{
				displayName: 'Consent Field',
				name: 'consentField',
				type: 'string',
				default: '',
				requiresDataPath: 'single',
				placeholder: 'e.g. marketingConsent',
				description:
					'Path of a field that must be true for the profile to be exported; profiles without it are skipped and counted',
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to check the input and report what would be exported, without writing anything to Mailchimp',
			},
			{
				displayName: 'Max Concurrency',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: MAX_CONCURRENCY.min, maxValue: MAX_CONCURRENCY.max },
				default: DEFAULT_MAX_CONCURRENCY,
				description: `How many requests to Mailchimp may be in flight at once (${MAX_CONCURRENCY.min} to ${MAX_CONCURRENCY.max})`,
			},
			{
				displayName: 'Max Profiles',
				name: 'maxProfiles',
				type: 'number',
				typeOptions: { minValue: MAX_PROFILES.min, maxValue: MAX_PROFILES.max },
				default: DEFAULT_MAX_PROFILES,
				description:
					'The export stops with an error, before writing anything, when the input holds more profiles than this',
			},
			{
				displayName: 'Only Send Changes',
				name: 'onlySendChanges',
				type: 'boolean',
				default: false,
				description:
					"Whether to read the audience's members first and send only what differs: members whose mapped fields and segment tags are already in Mailchimp get no call, so their Last Changed date stays and no automation is woken. Reading costs one call per 1,000 audience contacts, so the node reads only when that is cheaper than sending everything, and the Summary says which it did. Best for a daily export where few profiles change.",
			},
			{
				displayName: 'Remove Segment Tag From Members Who Left',
				name: 'removeMembersWhoLeft',
				type: 'boolean',
				default: false,
				description:
					"Whether to take each exported segment's tag off the audience members who have it but are no longer in the segment. They stay in the audience: nobody is unsubscribed, archived or deleted.",
			},
			{
				displayName: 'Status If New',
				name: 'statusIfNew',
				type: 'options',
				options: [
					{
						name: 'Audience Default',
						value: 'audienceDefault',
						description: 'Pending when the audience asks for double opt-in, subscribed otherwise',
					},
					{
						name: 'Pending',
						value: 'pending',
						description: 'Mailchimp sends a confirmation email first (double opt-in)',
					},
					{
						name: 'Subscribed',
						value: 'subscribed',
						description: 'Subscribed to marketing emails',
					},
					{
						name: 'Transactional',
						value: 'transactional',
						description: 'Kept in the audience but not subscribed to marketing emails',
					},
				],
				default: 'subscribed',
				description:
					'The status of a profile that is not yet in the audience; existing members keep theirs',
			},
		],
	},
];
