// The canvas subtitle, evaluated the way the n8n editor evaluates it: a Workflow holding the
// node with its parameters completed from the description (NodeHelpers.getNodeParameters), and
// the subtitle expression resolved by the workflow's Expression.

import type { IDataObject, INodeParameters, INodeType, INodeTypes } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { MailchimpSegmentExport } from '../../../nodes/MailchimpSegmentExport/MailchimpSegmentExport.node';
import { NODE_TYPE, audience } from './context';

const nodeType = new MailchimpSegmentExport();
const nodeTypes = {
	getByName: () => nodeType as INodeType,
	getByNameAndVersion: () => nodeType as INodeType,
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

function subtitleFor(parameters: IDataObject): unknown {
	const { properties } = nodeType.description;
	const completed = NodeHelpers.getNodeParameters(properties, parameters as INodeParameters, true, false, null, nodeType.description)!;
	const node = {
		id: 'node-1',
		name: 'Mailchimp Segment Export',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: completed,
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, nodeType.description.subtitle as string, 'internal', {});
}

describe('canvas subtitle', () => {
	it('names the audience picked from the list', () => {
		expect(subtitleFor({ audience: audience('a1b2c3', 'list', 'Shop customers') })).toBe('Audience: Shop customers');
	});

	it('shows the id of an audience given by ID', () => {
		expect(subtitleFor({ audience: audience('a1b2c3', 'id') })).toBe('Audience: a1b2c3');
	});

	it('says when no audience is selected', () => {
		expect(subtitleFor({})).toBe('Audience: not selected');
	});
});
