// Members that Mailchimp's answers do not account for are looked up, one GET each, so that
// nobody is counted exported or tagged unless Mailchimp confirmed it: a batch upsert may leave
// an unchanged member out of every list (undocumented), and a tag call ignores emails that are
// not in the audience without always saying so ("will be ignored", API reference).

import { type MemberPresence, getMember } from './client';
import { RequestFailedError } from './errors';
import { reasons } from './rejections';
import type { Runner } from './runner';

/** What a lookup found: the member, `absent` (not in the audience, or archived), or why it could not tell. */
export type Presence = { kind: 'present'; member: MemberPresence } | { kind: 'absent'; archived: boolean } | { kind: 'unknown'; reason: string };

/** Looks the emails up through the runner's pool; the answers are in the emails' order. */
export function lookUpMembers(runner: Runner, listId: string, emails: readonly string[]): Promise<Presence[]> {
	return Promise.all(
		emails.map((email) =>
			getMember(runner.call, listId, email).then(
				(member): Presence =>
					member === null || member.status === 'archived'
						? { kind: 'absent', archived: member !== null }
						: { kind: 'present', member },
				(error: unknown): Presence => {
					if (!(error instanceof RequestFailedError)) throw error;
					return { kind: 'unknown', reason: error.message };
				},
			),
		),
	);
}

/** Why a member looked up is not in the audience, for its rejected row. */
export function absenceReason(presence: Exclude<Presence, { kind: 'present' }>): string {
	if (presence.kind === 'unknown') return reasons.notConfirmed(presence.reason);
	return presence.archived ? reasons.archived() : reasons.notInAudience();
}
