import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { executeExport } from './execute';
import { getMergeFields, getTags, searchAudiences } from './methods';

// In expressions, `$parameter.audience` is the resource locator's plain value (the id): the
// name picked from the list is only in the raw parameters, which `$parameter.toJSON()` returns.
const AUDIENCE_SUBTITLE =
	'={{ "Audience: " + ((($parameter.toJSON ? $parameter.toJSON().audience : null) || {}).cachedResultName || $parameter["audience"] || "not selected") }}';

// The editor opens a node's `documentationUrl` as it is; a codex URL gets tracking parameters
// appended after it, which would break a #fragment.
const DOCUMENTATION_URL = 'https://github.com/n8n-nodes-mailchimp-segments/n8n-nodes-mailchimp-segments#usage';

export class MailchimpSegmentExport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mailchimp Segment Export',
		name: 'mailchimpSegmentExport',
		icon: { light: 'file:mailchimp.svg', dark: 'file:mailchimp.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: AUDIENCE_SUBTITLE,
		description:
			'Bulk-sync customer segments into a Mailchimp audience: 500 members per call, one tag per segment, every rejected row reported',
		documentationUrl: DOCUMENTATION_URL,
		defaults: { name: 'Mailchimp Segment Export' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Summary', 'Rejected'],
		credentials: [
			{
				name: 'mailchimpSegmentsApi',
				required: true,
				displayOptions: { show: { authentication: ['apiKey'] } },
			},
			{
				name: 'mailchimpSegmentsOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
		],
		properties,
	};

	methods = {
		listSearch: { searchAudiences },
		loadOptions: { getMergeFields, getTags },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeExport.call(this);
	}
}
