// Fast layer: the Mailchimp client on its own, against a mocked request function.
import { getList, getMember, getMergeFields, listAudiences, listStaticSegments } from '../../../nodes/MailchimpSegmentExport/core/client';
import { ExportError, RequestFailedError } from '../../../nodes/MailchimpSegmentExport/core/errors';
import { mockRequest } from '../mockRequest';

const KEY = '0123456789abcdef0123456789abcdef-us6';

describe('client', () => {
	it('getList reads the audience, asking only for the fields it uses', async () => {
		const { request, sent } = mockRequest({
			'GET /lists/abc123': { status: 200, body: { id: 'abc123', name: 'Shop', double_optin: true, stats: { member_count: 7, total_contacts: 9 } } },
		});
		await expect(getList(request, 'abc123')).resolves.toEqual({ id: 'abc123', name: 'Shop', doubleOptin: true, memberCount: 7, totalContacts: 9 });
		expect(sent).toEqual([{ method: 'GET', path: '/lists/abc123', qs: { fields: 'id,name,double_optin,stats.member_count,stats.total_contacts' } }]);
	});

	it('getList counts the subscribed members as the contacts when the answer has no total_contacts', async () => {
		const { request } = mockRequest({ 'GET /lists/abc123': { status: 200, body: { id: 'abc123', name: 'Shop', stats: { member_count: 7 } } } });
		await expect(getList(request, 'abc123')).resolves.toMatchObject({ memberCount: 7, totalContacts: 7 });
	});

	it('refuses an audience id that is not one before sending anything', async () => {
		const { request, sent } = mockRequest({});
		await expect(getList(request, '../lists')).rejects.toThrow('The audience ID is not valid');
		expect(sent).toEqual([]);
	});

	it('turns 404, 401 and a permission 403 into export errors with the status', async () => {
		await expect(getList(mockRequest({}).request, 'gone')).rejects.toMatchObject({ message: 'Audience gone not found', httpStatus: 404 });
		const bad = mockRequest({ 'GET /lists/abc': { status: 401, body: { title: 'API Key Invalid' } } });
		await expect(getList(bad.request, 'abc')).rejects.toMatchObject({ httpStatus: 401 });
		const denied = mockRequest({ 'GET /lists/abc': { status: 403, body: { title: 'Forbidden', detail: `No access for ${KEY}.` } } });
		const error = await getList(denied.request, 'abc').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ExportError);
		expect((error as ExportError).message).toBe('Mailchimp refused access: Forbidden: No access for [redacted].');
	});

	it('getMergeFields reads every page', async () => {
		const field = (i: number) => ({ merge_id: i, tag: `F${i}`, name: `Field ${i}`, type: 'text', required: false, options: {} });
		const { request, sent } = mockRequest({
			'GET /lists/abc/merge-fields': (call) => {
				const offset = Number(call.qs?.offset);
				const page = offset === 0 ? Array.from({ length: 1000 }, (_, i) => field(i)) : [field(1000)];
				return { status: 200, body: { merge_fields: page, total_items: 1001 } };
			},
		});
		const fields = await getMergeFields(request, 'abc');
		expect(fields).toHaveLength(1001);
		expect(fields[1000]).toMatchObject({ mergeId: 1000, tag: 'F1000', name: 'Field 1000', type: 'text', required: false });
		expect(sent.map((call) => call.qs?.offset)).toEqual([0, 1000]);
	});

	it('listAudiences filters by name across pages, case-insensitively', async () => {
		const list = (id: string, name: string) => ({ id, name, stats: { member_count: 1 } });
		const { request } = mockRequest({
			'GET /lists': { status: 200, body: { lists: [list('a', 'Shop EU'), list('b', 'Blog'), list('c', 'shop US')], total_items: 3 } },
		});
		await expect(listAudiences(request, { search: 'SHOP' })).resolves.toEqual({
			audiences: [
				{ id: 'a', name: 'Shop EU', memberCount: 1 },
				{ id: 'c', name: 'shop US', memberCount: 1 },
			],
			total: 2,
		});
	});

	it('listStaticSegments reads the tags; an answer of the wrong shape is an error, not an empty list', async () => {
		const good = mockRequest({ 'GET /lists/abc/segments': { status: 200, body: { segments: [{ id: 7, name: 'VIP' }], total_items: 1 } } });
		await expect(listStaticSegments(good.request, 'abc')).resolves.toEqual([{ id: 7, name: 'VIP' }]);
		const odd = mockRequest({ 'GET /lists/abc/segments': { status: 200, body: { tags: [] } } });
		await expect(listStaticSegments(odd.request, 'abc')).rejects.toThrow(ExportError);
	});

	it('getMember: the member, null when absent, RequestFailedError when Mailchimp cannot answer', async () => {
		const path = `/lists/abc/members/${encodeURIComponent('a+b@x.io')}`;
		const found = mockRequest({ [`GET ${path}`]: { status: 200, body: { status: 'archived', tags: [{ id: 3, name: 'VIP' }] } } });
		await expect(getMember(found.request, 'abc', 'a+b@x.io')).resolves.toEqual({ status: 'archived', tagIds: [3] });
		await expect(getMember(mockRequest({}).request, 'abc', 'a+b@x.io')).resolves.toBeNull();
		const down = mockRequest({ [`GET ${path}`]: { status: 503, body: { title: 'Service Unavailable' } } });
		await expect(getMember(down.request, 'abc', 'a+b@x.io')).rejects.toBeInstanceOf(RequestFailedError);
	});
});
