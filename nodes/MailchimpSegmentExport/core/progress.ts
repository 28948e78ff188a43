// Progress of a long export, for whoever runs the core (the node writes it to n8n's log): how
// many profiles have been checked, how many members sent, and an estimate of the time left.
// Measured from outside the export's steps: the rows counted by pass 1 and the batch upserts
// Mailchimp answered, so that planning and sending need not know about it.

import { jsonItemsOf } from './jsonBody';
import type { ApiRequest, ApiResponse, RequestFn } from './types';

export interface ExportProgress {
	/** `checking`: pass 1 reads and validates every row; `sending`: members go to Mailchimp. */
	phase: 'checking' | 'sending';
	/** Rows read (checking) or members Mailchimp has answered for (sending). */
	done: number;
	/** Members to send; undefined while checking. */
	total?: number;
	elapsedMs: number;
	/** Time left for sending at the pace so far; undefined while checking. */
	remainingMs?: number;
}

export type ProgressFn = (progress: ExportProgress) => void;

/** Rows between two reports while checking. */
export const CHECK_REPORT_ROWS = 100_000;
/** Upsert batches between two reports while sending (10,000 members at 500 per batch). */
export const SEND_REPORT_BATCHES = 20;

export class ProgressMeter {
	private nextCheckReport = CHECK_REPORT_ROWS;
	private total: number | undefined;
	private sent = 0;
	private batches = 0;
	private sendStarted = 0;

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

	/** Pass 1 is over: `total` members will be sent. */
	sending(total: number): void {
		this.total = total;
		this.sendStarted = this.now();
	}

	/** The request function, counting the members of every batch upsert Mailchimp answered. */
	wrap(request: RequestFn): RequestFn {
		return async (call: ApiRequest): Promise<ApiResponse> => {
			const response = await request(call);
			if (response.status >= 200 && response.status < 300) {
				const members = isUpsert(call) ? membersIn(call.body) : 0;
				if (members > 0) this.batchSent(members);
			}
			return response;
		};
	}

	private batchSent(members: number): void {
		this.sent += members;
		this.batches++;
		const total = this.total ?? this.sent;
		if (this.batches % SEND_REPORT_BATCHES !== 0 && this.sent < total) return;
		const now = this.now();
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
