// Waiting between retries, on both n8n lines. n8n-workflow 1.x exports `sleepWithAbort(ms,
// signal)`; 2.34+ dropped it and its `sleep(ms, signal)` takes the signal instead (1.x's
// `sleep(ms)` ignores a second argument). Both reject when the signal aborts, which is what the
// runner needs to stop a cancelled export during a backoff.
import * as workflow from 'n8n-workflow';

import type { SleepFn } from '../core/types';

/** The waiting helpers an n8n-workflow version may export. */
export interface WorkflowSleepHelpers {
	sleep: SleepFn;
	sleepWithAbort?: SleepFn;
}

/** The helper that honours the cancel signal: `sleepWithAbort` where it exists, else `sleep`. */
export function abortableSleep(helpers: WorkflowSleepHelpers): SleepFn {
	return helpers.sleepWithAbort ?? helpers.sleep;
}

export const sleepUntilCancelled: SleepFn = abortableSleep(workflow);
