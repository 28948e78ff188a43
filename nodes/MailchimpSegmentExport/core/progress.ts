// Progress of a long export, for whoever runs the core (the node writes it to n8n's log): how
// many profiles have been checked, how many audience members compared (Only Send Changes), how
// many members sent, and an estimate of the time left. Measured from outside the export's steps:
// the rows counted by pass 1, the members-list pages and the batch upserts Mailchimp answered, so
// that planning, reading and sending need not know about it.

import { jsonItemsOf } from './jsonBody';
import type { ApiRequest, ApiResponse, RequestFn } from './types';

export interface ExportProgress {
	/**
	 * `checking`: pass 1 reads and validates every row; `comparing`: the audience's members are
	 * read to find what changed (Only Send Changes); `sending`: members go to Mailchimp.
	 */
	phase: 'checking' | 'comparing' | 'sending';
	/** Rows read (checking), audience members read (comparing) or members Mailchimp has answered for (sending). */
	done: number;
	/** Audience members to read (comparing), members to send (sending); undefined while checking, and while sending only changes. */
	total?: number;
	elapsedMs: number;
	/** Time left for this phase at the pace so far, when its total is known. */
	remainingMs?: number;
}

export type ProgressFn = (progress: ExportProgress) => void;

/** Rows between two reports while checking. */
export const CHECK_REPORT_ROWS = 100_000;
/** Upsert batches between two reports while sending (10,000 members at 500 per batch). */
export const SEND_REPORT_BATCHES = 20;
/** Members-list pages between two reports while comparing (20,000 members at 1,000 per page). */
export const COMPARE_REPORT_PAGES = 20;

export class ProgressMeter {
	private nextCheckReport = CHECK_REPORT_ROWS;
	private total: number | undefined;
	private sent = 0;
	private batches = 0;
	private sendStarted = 0;
	private compareTotal = 0;
	private compared = 0;
	private pages = 0;
	private compareStarted = 0;

	constructor(
		private readonly report: ProgressFn,
		private readonly now: () => number,
		private readonly started: number,
	) {}

	/** Pass 1 has read `rows` rows. */
	checked(rows: number): void {
		if (rows < this.nextCheckReport) return;
		this.nextCheckReport = rows + CHECK_REPORT_ROWS;
		this.report({ phase: 'checking', done: rows, elapsedMs: this.now() - this.started });
	}

	/** The audience's `total` members are about to be read. */
	comparing(total: number): void {
		this.compareTotal = total;
		this.compareStarted = this.now();
	}

	/** Sending starts: `total` members will be sent, or an unknown number when only changes are. */
	sending(total: number | undefined): void {
		this.total = total;
		this.sendStarted = this.now();
	}

	/** The request function, counting the members of every batch upsert and members-list page Mailchimp answered. */
	wrap(request: RequestFn): RequestFn {
		return async (call: ApiRequest, signal?: AbortSignal): Promise<ApiResponse> => {
			const response = await request(call, signal);
			if (response.status >= 200 && response.status < 300) {
				const members = isUpsert(call) ? membersIn(call.body) : 0;
				if (members > 0) this.batchSent(members);
				else if (isMembersPage(call)) this.pageRead(response);
			}
			return response;
		};
	}

	private pageRead(response: ApiResponse): void {
		const members = (response.body as { members?: unknown } | undefined)?.members;
		this.compared += Array.isArray(members) ? members.length : 0;
		this.pages++;
		if (this.pages % COMPARE_REPORT_PAGES !== 0 && this.compared < this.compareTotal) return;
		const now = this.now();
		const spent = now - this.compareStarted;
		const left = Math.max(0, this.compareTotal - this.compared);
		this.report({
			phase: 'comparing',
			done: this.compared,
			total: this.compareTotal,
			elapsedMs: now - this.started,
			remainingMs: this.compared > 0 ? Math.round((spent / this.compared) * left) : undefined,
		});
	}

	private batchSent(members: number): void {
		this.sent += members;
		this.batches++;
		const total = this.total;
		if (this.batches % SEND_REPORT_BATCHES !== 0 && (total === undefined || this.sent < total)) return;
		const now = this.now();
		if (total === undefined) {
			this.report({ phase: 'sending', done: this.sent, elapsedMs: now - this.started });
			return;
		}
		const spent = now - this.sendStarted;
		const left = Math.max(0, total - this.sent);
		this.report({
			phase: 'sending',
			done: this.sent,
			total,
			elapsedMs: now - this.started,
			remainingMs: this.sent > 0 ? Math.round((spent / this.sent) * left) : undefined,
		});
	}
}

function isUpsert(call: ApiRequest): boolean {
	return call.method === 'POST' && /^\/lists\/[^/]+$/.test(call.path);
}

/** The members of a batch upsert's body, pre-serialised (counted without reading it back) or not. */
function membersIn(body: unknown): number {
	const serialised = jsonItemsOf(body);
	if (serialised !== undefined) return serialised;
	const members = (body as { members?: unknown } | undefined)?.members;
	return Array.isArray(members) ? members.length : 0;
}

function isMembersPage(call: ApiRequest): boolean {
	return call.method === 'GET' && /^\/lists\/[^/]+\/members$/.test(call.path);
}
