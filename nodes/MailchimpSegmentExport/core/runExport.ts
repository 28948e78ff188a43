// runExport: the whole export, in order. Read the audience and its merge fields; pass 1 (plan:
// validate, de-duplicate, count, enforce the limit: nothing is written before it ends); find or
// create the tags; with "Only Send Changes", read the audience's members when that is cheaper;
// pass 2 (send: upserts and tag calls); optionally untag members who left; report.

import { type AudienceRead, ValueHasher, choosePath, readAudience } from './changes';
import { getList, getMergeFields } from './client';
import { ExportCancelledError } from './errors';
import { checkOptions } from './options';
import { type MemberIndex, buildPlan } from './plan';
import { ProgressMeter } from './progress';
import { ProfileMapper } from './profile';
import { Report } from './report';
import { Runner } from './runner';
import type { AudienceSnapshot } from './snapshot';
import { type NewMemberStatus, type SendContext, Sender, countExported } from './send';
import { type TagTarget, ensureTags, removeMembersWhoLeft, segmentReport } from './tags';
import type { ChangesReport, ExportDeps, ExportOptions, ExportResult, ProfileSource, StatusIfNew } from './types';

function newMemberStatus(choice: StatusIfNew, doubleOptin: boolean): NewMemberStatus {
	if (choice === 'audienceDefault') return doubleOptin ? 'pending' : 'subscribed';
	return choice;
}

/**
 * Exports the profiles of `source` into the audience `options.listId`. Resolves with the
 * report; throws ExportError when the export cannot go on (bad key, missing audience or merge
 * field, over the limit, ...) and ExportCancelledError when `deps.signal` aborts.
 */
export async function runExport(source: ProfileSource, options: ExportOptions, deps: ExportDeps): Promise<ExportResult> {
	const now = deps.now ?? Date.now;
	const started = now();
	const checked = checkOptions(options);
	const meter = deps.progress === undefined ? undefined : new ProgressMeter(deps.progress, now, started);
	const runner = new Runner(meter === undefined ? deps.request : meter.wrap(deps.request), {
		maxConcurrency: checked.maxConcurrency,
		retry: checked.retryPolicy,
		sleep: deps.sleep,
		signal: deps.signal,
		random: deps.random,
	});
	const report = new Report();
	let index: MemberIndex | undefined;
	let snapshot: AudienceSnapshot | undefined;
	let targets: TagTarget[] = [];
	let changes: ChangesReport | undefined;
	const result = (): ExportResult =>
		report.result({
			exported: index === undefined ? { exported: 0, created: 0, updated: 0, unchanged: 0 } : countExported(index),
			segments: targets.map(segmentReport),
			apiCalls: runner.apiCalls,
			retries: runner.retries,
			durationMs: Math.max(0, now() - started),
			dryRun: checked.dryRun,
			changes,
		});

	const steps = async (): Promise<void> => {
		runner.throwIfCancelled();
		const list = await getList(runner.call, checked.listId);
		const mergeFields = await getMergeFields(runner.call, checked.listId);
		const mapper = new ProfileMapper(checked, mergeFields);

		index = await buildPlan(source, mapper, checked.maxProfiles, report, () => {
			runner.throwIfCancelled();
			meter?.checked(report.profilesIn);
		});

		targets = await ensureTags(runner, checked.listId, mapper.segments.names, index.usedSegments(), checked.dryRun);
		let read: AudienceRead | undefined;
		let audience: SendContext['audience'];
		if (checked.onlySendChanges === true) {
			const values = new ValueHasher(mapper.fields.map((f) => f.tag), mergeFields);
			changes = choosePath(list.totalContacts, index, targets.length, checked.dryRun);
			if (changes.path === 'compared') {
				meter?.comparing(list.totalContacts);
				read = await readAudience({
					runner,
					listId: checked.listId,
					values,
					targets,
					index,
					findLeavers: checked.removeMembersWhoLeft,
				});
				snapshot = read.snapshot;
				audience = { snapshot, values };
				if (!read.snapshot.complete) {
					changes.reason += ' Some pages of the audience could not be read: their members were sent as new or changed.';
				}
			}
		}
		meter?.sending(audience === undefined ? index.size : undefined);
		const sender = new Sender({
			runner,
			listId: checked.listId,
			mapper,
			index,
			report,
			targets,
			statusIfNew: newMemberStatus(checked.statusIfNew, list.doubleOptin),
			skipMergeValidation: checked.skipMergeValidation === true,
			dryRun: checked.dryRun,
			maxConcurrency: runner.maxConcurrency,
			audience,
		});
		await sender.run(source);

		if (checked.removeMembersWhoLeft) {
			await removeMembersWhoLeft(runner, checked.listId, targets, index, report, checked.dryRun, read?.leavers);
		}
	};

	// The failure is taken as a value so that a cancelled export can carry its partial report.
	const failure = await steps().then(
		() => undefined,
		(error: unknown) => error ?? new Error('The export failed'),
	);
	try {
		if (failure === undefined) return result();
		if (failure instanceof ExportCancelledError || runner.cancelled) {
			const cancelled = failure instanceof ExportCancelledError ? failure : new ExportCancelledError();
			cancelled.partial = result();
			throw cancelled;
		}
		throw failure;
	} finally {
		// Counted: the index and the snapshot are freed before n8n builds the output (its peak).
		index?.release();
		snapshot?.release();
	}
}
