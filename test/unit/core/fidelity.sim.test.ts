// The export against the simulator where Mailchimp's behaviour is documented by public sources
// (or, where it is not, under each of the simulator's answers): issue 13.
import { sleepWithAbort } from 'n8n-workflow';

import { type ExportOptions, type ProfileRow, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import type { MergeFieldSpec, SimulatorOptions } from '../../simulator/types';
import { checkInvariant, options, rowsOf } from './helpers';

let sim: Simulator | undefined;
afterEach(async () => {
	await sim?.stop();
	sim = undefined;
});

async function setup(mergeFields: MergeFieldSpec[] = [], simOptions: SimulatorOptions = {}) {
	sim = await start({ port: 0, ...simOptions });
	const listId = sim.state.addList({ name: 'Customers', mergeFields });
	const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
	return { sim, listId, request };
}

const fastRetry = { maxTries: 4, baseDelayMs: 1, maxDelayMs: 5 };

function run(request: ReturnType<typeof createRequestFn>, data: unknown[] | (() => Iterable<ProfileRow>), over: Partial<ExportOptions>) {
	const source = typeof data === 'function' ? data : rowsOf(data);
	return runExport(source, options({ retry: fastRetry, ...over }), { request, sleep: sleepWithAbort });
}

const people = (n: number, segment = 'vip') =>
	Array.from({ length: n }, (_, i) => ({ email: `user${i}@example.com`, first: `F${i}`, last: `L${i}`, segment }));

describe('birthdays (point 1)', () => {
	it('a DD/MM audience gets DD/MM birthdays: 31 December is accepted, 4 March is not swapped', async () => {
		const { sim, listId, request } = await setup([{ tag: 'BDAY', type: 'birthday', options: { date_format: 'DD/MM' } }]);
		const data = [
			{ email: 'dec@example.com', segment: 'vip', born: '1990-12-31' },
			{ email: 'mar@example.com', segment: 'vip', born: '1990-03-04' },
		];
		const { summary, rejected } = await run(request, data, { listId, mapping: { email: 'email', attributes: [{ mergeField: 'BDAY', sourceField: 'born' }] } });
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 2, rejected: 0 });
		expect(sim.state.member(listId, 'dec@example.com')?.merge_fields.BDAY).toBe('31/12');
		expect(sim.state.member(listId, 'mar@example.com')?.merge_fields.BDAY).toBe('04/03');
		checkInvariant(summary);
	});
});

describe('remove members who left (point 2)', () => {
	it('untags unsubscribed, cleaned and transactional members too, and counts them', async () => {
		const { sim, listId, request } = await setup();
		sim.state.addMember(listId, { email: 'left-sub@example.com', status: 'subscribed', tags: ['vip'] });
		sim.state.addMember(listId, { email: 'left-unsub@example.com', status: 'unsubscribed', tags: ['vip'] });
		sim.state.addMember(listId, { email: 'left-clean@example.com', status: 'cleaned', tags: ['vip'] });
		sim.state.addMember(listId, { email: 'left-tx@example.com', status: 'transactional', tags: ['vip'] });
		const { summary } = await run(request, people(2), { listId, removeMembersWhoLeft: true });
		expect(summary.segments[0]).toMatchObject({ name: 'vip', added: 2, removed: 4 });
		expect(sim.state.tagMembers(listId, 'vip').sort()).toEqual(['user0@example.com', 'user1@example.com']);
		expect(sim.state.member(listId, 'left-unsub@example.com')?.status).toBe('unsubscribed');
		expect(sim.state.member(listId, 'left-tx@example.com')?.status).toBe('transactional');
	});
});

describe('required merge fields (point 3)', () => {
	const company: MergeFieldSpec[] = [{ tag: 'COMPANY', name: 'Company', type: 'text', required: true }];
	const writes = (s: Simulator) => s.state.requestLog.filter((e) => e.method !== 'GET');

	it('a required merge field the mapping does not fill stops the export before anything is written, naming it', async () => {
		const { sim, listId, request } = await setup(company);
		const error = await run(request, people(3), { listId }).catch((e: unknown) => e);
		expect(error).toMatchObject({ message: expect.stringContaining('COMPANY (Company)') });
		expect((error as { description: string }).description).toMatch(/Accept Members Missing Required Fields/);
		expect(writes(sim)).toEqual([]);
	});

	it('the dry run says so too', async () => {
		const { listId, request } = await setup(company);
		await expect(run(request, people(3), { listId, dryRun: true })).rejects.toThrow(/requires the merge field COMPANY/);
	});

	it('with skipMergeValidation Mailchimp accepts the members; an empty required value is not a rejection', async () => {
		const { sim, listId, request } = await setup(company);
		const data = [...people(2), { email: 'blank@example.com', segment: 'vip', company: '' }];
		const { summary, rejected } = await run(request, data, {
			listId,
			skipMergeValidation: true,
			mapping: { email: 'email', attributes: [{ mergeField: 'COMPANY', sourceField: 'company' }] },
		});
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 3, created: 3 });
		expect(sim.state.member(listId, 'user1@example.com')).toBeDefined();
		checkInvariant(summary);
	});
});
