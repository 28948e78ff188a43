// Mailchimp's `fields` and `exclude_fields` as the simulator applies them to an answer.
import { filterFields } from './paging';

const member = (email: string) => ({
	id: 'x',
	email_address: email,
	status: 'subscribed',
	merge_fields: { FNAME: 'Ada', LNAME: 'L' },
	tags: [
		{ id: 1, name: 'VIP' },
		{ id: 2, name: 'Trial' },
	],
});
const answer = { new_members: [member('a@x.org'), member('b@x.org')], errors: [], total_created: 2, _links: [{ rel: 'self' }] };

const filter = (query: Record<string, string>): unknown => filterFields(answer, new URLSearchParams(query));

test('fields keeps the dotted paths named, through lists, in the answer key order', () => {
	expect(filter({ fields: 'total_created,new_members.tags.id,new_members.email_address' })).toEqual({
		new_members: [
			{ email_address: 'a@x.org', tags: [{ id: 1 }, { id: 2 }] },
			{ email_address: 'b@x.org', tags: [{ id: 1 }, { id: 2 }] },
		],
		total_created: 2,
	});
	expect(Object.keys(filter({ fields: 'total_created,errors' }) as object)).toEqual(['errors', 'total_created']);
});

test('a path and a path below it keep the whole value, in either order; blank entries are ignored', () => {
	const whole = { new_members: answer.new_members };
	expect(filter({ fields: 'new_members,new_members.email_address' })).toEqual(whole);
	expect(filter({ fields: 'new_members.email_address, ,new_members' })).toEqual(whole);
	expect(filter({ fields: 'nothing.here' })).toEqual({});
});

test('exclude_fields drops the paths named and keeps the rest', () => {
	expect(filter({ exclude_fields: 'new_members.tags,new_members.merge_fields.LNAME,_links' })).toEqual({
		new_members: answer.new_members.map(({ tags: _tags, ...m }) => ({ ...m, merge_fields: { FNAME: 'Ada' } })),
		errors: [],
		total_created: 2,
	});
	expect(filter({ fields: 'new_members.email_address,new_members.status', exclude_fields: 'new_members.status' })).toEqual({
		new_members: [{ email_address: 'a@x.org' }, { email_address: 'b@x.org' }],
	});
});

test('the same fields list answers the same each time (compiled once)', () => {
	const query = { fields: 'new_members.email_address' };
	expect(filter(query)).toEqual(filter(query));
	expect(answer.new_members[0].tags).toHaveLength(2);
});
