// A memory cgroup for `bench:n8n --memory-limit`: n8n runs with the memory an n8n Cloud plan
// gives its instance (320 MiB on Starter), the way a container runs it. Node.js sizes V8's heap
// from the cgroup's limit (process.constrainedMemory()), so the collector works as it would there,
// and the kernel kills the process if it still goes over. Needs a writable cgroup file system:
// cgroup v2 (/sys/fs/cgroup with the memory controller) or v1 (/sys/fs/cgroup/memory), as root.

import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'fs';
import { join } from 'path';

export interface MemoryCage {
	limitMb: number;
	/** `cmd args` as a command that joins the cgroup first. */
	wrap(cmd: string, args: string[]): [string, string[]];
	/** The cgroup's peak memory: RSS, and the page cache and kernel memory charged to it. */
	peakMb(): number;
	/** How many processes the kernel's OOM killer killed in it. */
	oomKills(): number;
	/** Removes the cgroup once the processes in it have gone (n8n's own children exit after it). */
	dispose(): Promise<void>;
}

const MiB = 1024 * 1024;

function read(file: string): string {
	return readFileSync(file, 'utf8').trim();
}

function field(text: string, name: string): number {
	return Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1] ?? 0);
}

let cages = 0;

/** A new cgroup (one per run: cgroup v2's peak cannot be reset) limited to `limitMb` MiB, without swap. */
export function memoryCage(limitMb: number): MemoryCage {
	const name = `n8n-bench-${process.pid}-${++cages}`;
	const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers') && read('/sys/fs/cgroup/cgroup.controllers').split(' ').includes('memory');
	const dir = v2 ? join('/sys/fs/cgroup', name) : join('/sys/fs/cgroup/memory', name);
	if (!v2 && !existsSync('/sys/fs/cgroup/memory')) throw new Error('--memory-limit needs a cgroup memory controller (/sys/fs/cgroup/memory or cgroup v2)');
	mkdirSync(dir, { recursive: true });
	const bytes = String(limitMb * MiB);
	const events = (): number => (v2 ? field(read(join(dir, 'memory.events')), 'oom_kill') : field(read(join(dir, 'memory.oom_control')), 'oom_kill'));
	if (v2) {
		writeFileSync(join(dir, 'memory.max'), bytes);
		if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
	} else {
		writeFileSync(join(dir, 'memory.limit_in_bytes'), bytes);
		// No swap either, where the kernel accounts it: the limit is the instance's memory.
		if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), bytes);
	}
	return {
		limitMb,
		wrap: (cmd, args) => ['/bin/sh', ['-c', `echo $$ > ${join(dir, 'cgroup.procs')} && exec "$@"`, 'sh', cmd, ...args]],
		peakMb: () => Number(read(join(dir, v2 ? 'memory.peak' : 'memory.max_usage_in_bytes'))) / MiB,
		oomKills: events,
		dispose: async () => {
			for (let attempt = 0; attempt < 50 && existsSync(dir); attempt++) {
				try {
					rmdirSync(dir);
				} catch {
					await new Promise((wake) => setTimeout(wake, 100));
				}
			}
		},
	};
}
