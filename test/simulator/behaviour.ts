// The simulator's switches for Mailchimp's undocumented answers (BehaviourOptions): their
// defaults, and the one mutable set that the routes read, changed with `POST /_sim/behaviour`.
import type { BehaviourOptions } from './types';

export type Behaviour = Required<Omit<BehaviourOptions, 'retryAfterSeconds'>> & Pick<BehaviourOptions, 'retryAfterSeconds'>;

export const DEFAULT_BEHAVIOUR: Behaviour = {
	listUnchangedMembers: true,
	archivedUpsert: 'restore',
	listAlreadyTagged: true,
	reportUnknownTagEmails: false,
	sameNameTag: 'refuse',
	numberAnswer: 'number',
	dateAnswer: 'fieldFormat',
	phoneAnswer: 'asSent',
	addressAnswer: 'asSent',
	batchTags: 'apply',
};

export function behaviourOf(options: BehaviourOptions = {}): Behaviour {
	const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
	return { ...DEFAULT_BEHAVIOUR, ...defined };
}
