// In-memory audiences. Members are kept per list in a Map keyed by subscriber hash, as
// small records; tags (static segments) hold Sets of hashes.
import { type Behaviour, DEFAULT_BEHAVIOUR } from './behaviour';
import { subscriberHash } from './email';
import { randomHex, seededRandom, type Random } from './random';
import type {
	ListSeed,
	MemberSeed,
	MemberStatus,
	MemberView,
	MergeFieldSpec,
	RequestLogEntry,
	SimulatorCounters,
	TagView,
} from './types';

export class Member {
	constructor(
		public email: string,
		public status: MemberStatus,
		public merge: Record<string, unknown> | undefined,
		public locked: boolean,
		public changed: number,
	) {}
}

export interface MergeField extends MergeFieldSpec {
	mergeId: number;
	name: string;
	required: boolean;
}

export class Segment {
	readonly members = new Set<string>();
	private ordered: string[] | undefined;

	constructor(
		readonly id: number,
		readonly name: string,
		readonly created: number,
		public updated: number,
	) {}

	add(hash: string): void {
		if (this.members.has(hash)) return;
		this.members.add(hash);
		this.changed();
	}

	remove(hash: string): void {
		if (this.members.delete(hash)) this.changed();
	}

	/** Hashes in insertion order, cached between changes so deep pages stay cheap. */
	page(offset: number, count: number): string[] {
		this.ordered ??= [...this.members];
		return this.ordered.slice(offset, offset + count);
	}

	private changed(): void {
		this.ordered = undefined;
		this.updated = Date.now();
	}
}

const DEFAULT_FIELDS: MergeFieldSpec[] = [
	{ tag: 'FNAME', name: 'First Name', type: 'text' },
	{ tag: 'LNAME', name: 'Last Name', type: 'text' },
	{ tag: 'ADDRESS', name: 'Address', type: 'address' },
	{ tag: 'PHONE', name: 'Phone Number', type: 'phone' },
];

export class List {
	readonly members = new Map<string, Member>();
	readonly forgotten = new Set<string>();
	/**
	 * Archived contacts (removed from the audience, not forgotten) by hash; `locked` when held in a
	 * compliance state, as contacts archived after an unsubscribe or a bounce are.
	 */
	readonly archived = new Map<string, { email: string; locked: boolean }>();
	readonly segments = new Map<number, Segment>();
	readonly mergeFields = new Map<string, MergeField>();
	readonly requiredTags: string[];
	readonly counts: Record<MemberStatus, number> = {
		subscribed: 0,
		unsubscribed: 0,
		cleaned: 0,
		pending: 0,
		transactional: 0,
	};
	readonly created = Date.now();
	/** Bumped when a member comes, goes or changes status: the members list's pages are rebuilt then. */
	private version = 0;
	private pagesVersion = -1;
	private readonly ordered = new Map<string, string[]>();

	constructor(
		readonly id: string,
		readonly webId: number,
		readonly name: string,
		readonly doubleOptin: boolean,
		fields: MergeFieldSpec[],
		private readonly nextSegmentId: () => number,
	) {
		let mergeId = 1;
		const byTag = new Map<string, MergeFieldSpec>();
		for (const field of [...DEFAULT_FIELDS, ...fields]) byTag.set(field.tag, field);
		for (const field of byTag.values()) {
			this.mergeFields.set(field.tag, {
				...field,
				name: field.name ?? field.tag,
				required: field.required ?? false,
				mergeId: mergeId++,
			});
		}
		this.requiredTags = [...this.mergeFields.values()].filter((field) => field.required).map((field) => field.tag);
	}

	insert(hash: string, member: Member): void {
		this.members.set(hash, member);
		this.counts[member.status]++;
		this.version++;
	}

	/** Says the archive changed (its page cache is rebuilt). */
	touch(): void {
		this.version++;
	}

	/** Takes a member out of `members` (its tags and archive entry are the caller's). */
	delete(hash: string): void {
		const member = this.members.get(hash);
		if (!member) return;
		this.counts[member.status]--;
		this.members.delete(hash);
		this.version++;
	}

	setStatus(member: Member, status: MemberStatus): void {
		this.counts[member.status]--;
		this.counts[status]++;
		member.status = status;
		this.version++;
	}

	/**
	 * The members list (`GET /lists/{id}/members`): hashes in insertion order, every status but
	 * archived, or one status (`archived` lists the archived contacts). Cached between changes so
	 * that deep pages stay cheap.
	 */
	memberPage(offset: number, count: number, status: string | null): { hashes: string[]; total: number } {
		if (this.pagesVersion !== this.version) {
			this.ordered.clear();
			this.pagesVersion = this.version;
		}
		const key = status ?? '';
		let all = this.ordered.get(key);
		if (all === undefined) {
			if (status === 'archived') all = [...this.archived.keys()];
			else if (status === null) all = [...this.members.keys()];
			else all = [...this.members].filter(([, m]) => m.status === status).map(([hash]) => hash);
			this.ordered.set(key, all);
		}
		return { hashes: all.slice(offset, offset + count), total: all.length };
	}

	segmentByName(name: string): Segment | undefined {
		for (const segment of this.segments.values()) if (segment.name === name) return segment;
		return undefined;
	}

	createSegment(name: string): Segment {
		const now = Date.now();
		const segment = new Segment(this.nextSegmentId(), name, now, now);
		this.segments.set(segment.id, segment);
		return segment;
	}

	tagsOf(hash: string): Segment[] {
		const tags: Segment[] = [];
		for (const segment of this.segments.values()) if (segment.members.has(hash)) tags.push(segment);
		return tags;
	}
}

function emptyCounters(): SimulatorCounters {
	return { requests: 0, byEndpoint: {}, throttled: 0, faults: { errors: 0, resets: 0, slow: 0, storm: 0 } };
}

export class SimulatorState {
	readonly lists = new Map<string, List>();
	requestLog: RequestLogEntry[] = [];
	counters: SimulatorCounters = emptyCounters();
	/** The switches for undocumented answers; kept across reset(), like the faults. */
	behaviour: Behaviour = DEFAULT_BEHAVIOUR;
	maxInFlightSeen = 0;
	private segmentIds = 0;
	private webIds = 0;
	private random: Random;

	constructor(
		private readonly seed = 1,
		private readonly requestLogLimit = 200_000,
	) {
		this.random = seededRandom(seed);
	}

	/** Forgets every list, log entry and counter. */
	reset(): void {
		this.lists.clear();
		this.requestLog = [];
		this.counters = emptyCounters();
		this.maxInFlightSeen = 0;
		this.segmentIds = 0;
		this.webIds = 0;
		this.random = seededRandom(this.seed);
	}

	addList(seed: ListSeed): string {
		const id = seed.id ?? randomHex(this.random, 10);
		if (this.lists.has(id)) throw new Error(`list ${id} exists`);
		const list = new List(id, ++this.webIds, seed.name, seed.doubleOptin ?? false, seed.mergeFields ?? [], () => ++this.segmentIds);
		this.lists.set(id, list);
		return id;
	}

	list(listId: string): List | undefined {
		return this.lists.get(listId);
	}

	/** Seeds (or replaces) a member without validation; returns its subscriber hash. */
	addMember(listId: string, seed: MemberSeed): string {
		const list = this.requireList(listId);
		const hash = subscriberHash(seed.email);
		const old = list.members.get(hash);
		if (old) list.counts[old.status]--;
		list.forgotten.delete(hash);
		list.archived.delete(hash);
		const merge = seed.mergeFields && Object.keys(seed.mergeFields).length ? { ...seed.mergeFields } : undefined;
		list.insert(hash, new Member(seed.email, seed.status ?? 'subscribed', merge, seed.locked ?? false, Date.now()));
		for (const name of seed.tags ?? []) (list.segmentByName(name) ?? list.createSegment(name)).add(hash);
		return hash;
	}

	/**
	 * Archives a contact: it leaves the audience and its tags, and an upsert adds it again as a
	 * new member, unless it is locked and would be subscribed.
	 */
	archive(listId: string, email: string, locked: boolean): void {
		const list = this.requireList(listId);
		list.archived.set(removeContact(list, email), { email, locked });
		list.touch();
	}

	/** Permanently deletes a contact: it can never be imported again. */
	forget(listId: string, email: string): void {
		const list = this.requireList(listId);
		list.forgotten.add(removeContact(list, email));
	}

	member(listId: string, email: string): MemberView | undefined {
		const list = this.requireList(listId);
		const hash = subscriberHash(email);
		const member = list.members.get(hash);
		if (!member) return undefined;
		return {
			email_address: member.email,
			status: member.status,
			merge_fields: { ...member.merge },
			tags: list.tagsOf(hash).map((segment) => segment.name),
			locked: member.locked,
		};
	}

	tags(listId: string): TagView[] {
		return [...this.requireList(listId).segments.values()].map((segment) => ({
			id: segment.id,
			name: segment.name,
			memberCount: segment.members.size,
		}));
	}

	/** Lower-cased emails of a tag's members; empty when there is no such tag. */
	tagMembers(listId: string, tagName: string): string[] {
		const list = this.requireList(listId);
		const segment = list.segmentByName(tagName);
		if (!segment) return [];
		return [...segment.members].map((hash) => list.members.get(hash)!.email.toLowerCase());
	}

	log(entry: RequestLogEntry): void {
		this.requestLog.push(entry);
		if (this.requestLog.length > this.requestLogLimit) {
			this.requestLog = this.requestLog.slice(-Math.floor(this.requestLogLimit / 2));
		}
	}

	private requireList(listId: string): List {
		const list = this.lists.get(listId);
		if (!list) throw new Error(`no list ${listId}`);
		return list;
	}
}

/** Takes a contact out of the audience and every tag; returns its subscriber hash. */
function removeContact(list: List, email: string): string {
	const hash = subscriberHash(email);
	list.delete(hash);
	for (const segment of list.segments.values()) segment.remove(hash);
	return hash;
}
