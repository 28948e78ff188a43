// The importable workflows in examples/: well-formed, our node configured with parameters it
// has, credentials by name only, and the export node's parameters run as they are.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MailchimpSegmentExport } from '../../../nodes/MailchimpSegmentExport/MailchimpSegmentExport.node';
import { adaptExamples } from '../../../scripts/demo-stack';
import { start, type Simulator } from '../../simulator/server';
import { API_KEY_CREDENTIAL, BinaryStore, apiKeyCredentials, audience, binaryItem, runNode, NODE_TYPE } from './context';

interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, Record<string, unknown>>;
}
interface Workflow {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
}

const dir = join(__dirname, '../../../examples');
const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
const load = (file: string): Workflow => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const exportNode = (workflow: Workflow) => workflow.nodes.find((node) => node.type === NODE_TYPE)!;
const parameterNames = new MailchimpSegmentExport().description.properties.map((p) => p.name);

let sim: Simulator;
beforeAll(async () => {
	sim = await start({ port: 0 });
});
afterAll(async () => {
	await sim.stop();
});

describe('examples', () => {
	it('has the three workflows', () => {
		expect(files.sort()).toEqual(['csv-file-export.json', 'daily-schedule-export.json', 'route-rejected-rows.json']);
	});

	it.each(files)('%s is well-formed', (file) => {
		const workflow = load(file);
		const names = new Set(workflow.nodes.map((node) => node.name));
		expect(names.size).toBe(workflow.nodes.length);
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names.has(from)).toBe(true);
			for (const target of outputs.main.flat()) expect(names.has(target.node)).toBe(true);
		}
		const node = exportNode(workflow);
		expect(node.typeVersion).toBe(1);
		for (const name of Object.keys(node.parameters)) expect(parameterNames).toContain(name);
		for (const n of workflow.nodes) {
			for (const credential of Object.values(n.credentials ?? {})) expect(Object.keys(credential)).toEqual(['name']);
		}
		expect(JSON.stringify(workflow)).not.toMatch(/apiKey"\s*:\s*"[0-9a-f]{8,}/);
	});

	it.each(files)('%s opens with the Audience picker in From List mode', (file) => {
		expect(exportNode(load(file)).parameters.audience).toEqual({ __rl: true, mode: 'list', value: '' });
	});

	it('npm start opens the examples with the demo audience picked from the list, by name', () => {
		const credential = { id: 'c1', name: 'Demo', type: API_KEY_CREDENTIAL, data: {} };
		const workflows = adaptExamples(credential, { id: 'abc123', name: 'Demo shop customers' }, '/tmp');
		expect(workflows).toHaveLength(files.length);
		for (const workflow of workflows) {
			expect(exportNode(workflow as unknown as Workflow).parameters.audience).toEqual({
				__rl: true,
				mode: 'list',
				value: 'abc123',
				cachedResultName: 'Demo shop customers',
			});
		}
	});

	it('route-rejected-rows: the Rejected output feeds the sheet, and the sample yields two rejects', async () => {
		const workflow = load('route-rejected-rows.json');
		expect(workflow.connections['Mailchimp Segment Export'].main[1][0].node).toBe('Append rejected rows');
		const listId = sim.state.addList({ name: 'Example', mergeFields: [{ tag: 'LTV', name: 'LTV', type: 'number' }] });
		const items = [
			{ json: { contact: { email: 'ann@example.com', firstName: 'Ann' }, ltv: 1200 } },
			{ json: { contact: { email: 'bob@example.com', firstName: 'Bob' }, ltv: 80 } },
			{ json: { contact: { email: 'not-an-email', firstName: 'Cy' }, ltv: 10 } },
			{ json: { contact: { email: 'dee@example.com', firstName: 'Dee' }, ltv: 'lots' } },
		];
		const { summary, rejected } = await runNode({
			items,
			credentials: { [API_KEY_CREDENTIAL]: apiKeyCredentials(sim) },
			params: { ...exportNode(workflow).parameters, audience: audience(listId) },
		});
		expect(summary[0].json).toMatchObject({ exported: 2, rejected: 2 });
		expect(rejected.map((item) => item.pairedItem)).toEqual([{ item: 2 }, { item: 3 }]);
		expect(sim.state.tagMembers(listId, 'Spring campaign').sort()).toEqual(['ann@example.com', 'bob@example.com']);
	});

	it('csv-file-export: the export node reads the CSV described in the notes', async () => {
		const workflow = load('csv-file-export.json');
		const listId = sim.state.addList({ name: 'CSV', mergeFields: [{ tag: 'LTV', name: 'LTV', type: 'number' }] });
		const store = new BinaryStore();
		const csv = 'email,first_name,last_name,segment,ltv\nann@example.com,Ann,Lee,VIP,1200\n';
		const { summary } = await runNode({
			items: [{ json: {}, binary: { data: binaryItem(csv, { store }) } }],
			binaryStore: store,
			credentials: { [API_KEY_CREDENTIAL]: apiKeyCredentials(sim) },
			params: { ...exportNode(workflow).parameters, audience: audience(listId) },
		});
		expect(summary[0].json).toMatchObject({ exported: 1 });
		expect(sim.state.member(listId, 'ann@example.com')?.merge_fields).toMatchObject({ FNAME: 'Ann', LNAME: 'Lee', LTV: 1200 });
	});

	it('daily-schedule-export: the export node exports consenting customers of the selected segments', async () => {
		const workflow = load('daily-schedule-export.json');
		const listId = sim.state.addList({ name: 'Daily', mergeFields: [{ tag: 'LTV', name: 'LTV', type: 'number' }] });
		const { summary } = await runNode({
			items: [
				{ json: { email: 'a@example.com', firstName: 'A', lastName: 'X', segments: ['VIP'], lifetimeValue: 5, marketingConsent: true } },
				{ json: { email: 'b@example.com', firstName: 'B', lastName: 'Y', segments: ['VIP'], lifetimeValue: 5, marketingConsent: false } },
				{ json: { email: 'c@example.com', firstName: 'C', lastName: 'Z', segments: ['Other'], lifetimeValue: 5, marketingConsent: true } },
			],
			credentials: { [API_KEY_CREDENTIAL]: apiKeyCredentials(sim) },
			params: { ...exportNode(workflow).parameters, audience: audience(listId) },
		});
		expect(summary[0].json).toMatchObject({ exported: 1, skipped: { noConsent: 1, notInSelectedSegments: 1 } });
	});
});
