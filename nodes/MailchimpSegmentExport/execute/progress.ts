// Progress of a long export as lines in n8n's log (the editor has no progress display for a
// running node): what the core reports, in words, with the numbers as metadata.

import type { Logger } from 'n8n-workflow';

import type { ExportProgress, ExportSummary } from '../core';

const count = (n: number): string => n.toLocaleString('en-US');

/** `4 min`, `35 s`, `1 h 05 min`. */
export function formatDuration(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.round(seconds / 60);
	if (minutes < 60) return `${minutes} min`;
	return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function progressMessage(nodeName: string, progress: ExportProgress): string {
	const who = `Mailchimp Segment Export "${nodeName}"`;
	if (progress.phase === 'checking') {
		return `${who}: checked ${count(progress.done)} profiles in ${formatDuration(progress.elapsedMs)}; nothing is sent before every row is checked`;
	}
	const left = progress.remainingMs === undefined ? '' : `, about ${formatDuration(progress.remainingMs)} left`;
	if (progress.total === undefined) return `${who}: ${count(progress.done)} new or changed members sent`;
	const percent = progress.total > 0 ? Math.min(100, Math.floor((progress.done / progress.total) * 100)) : 100;
	if (progress.phase === 'comparing') {
		return `${who}: compared ${count(progress.done)} of ${count(progress.total)} audience members (${percent}%)${left}; only members that differ will be sent`;
	}
	return `${who}: ${count(progress.done)} of ${count(progress.total)} members sent (${percent}%)${left}`;
}

export function finishedMessage(nodeName: string, summary: ExportSummary): string {
	const verb = summary.dryRun ? 'dry run finished' : 'finished';
	return `Mailchimp Segment Export "${nodeName}" ${verb}: ${count(summary.exported)} of ${count(summary.profilesIn)} profiles exported, ${count(summary.rejected)} rejected, in ${formatDuration(summary.durationMs)}`;
}

/** The core's progress callback, writing to n8n's log. */
export function logProgress(logger: Logger | undefined, nodeName: string): ((progress: ExportProgress) => void) | undefined {
	if (logger === undefined) return undefined;
	return (progress) => logger.info(progressMessage(nodeName, progress), { node: nodeName, ...progress });
}
