import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { executeExport } from './execute';
import { getMergeFields, searchAudiences } from './methods';

export class MailchimpSegmentExport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mailchimp Segment Export',
		name: 'mailchimpSegmentExport',
		icon: { light: 'file:mailchimp.svg', dark: 'file:mailchimp.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ "Audience: " + ($parameter["audience"].cachedResultName || $parameter["audience"].value) }}',
		description:
			'Export customer segments to a Mailchimp audience as tags, with field mapping and every rejected row reported',
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
		loadOptions: { getMergeFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeExport.call(this);
	}
}
