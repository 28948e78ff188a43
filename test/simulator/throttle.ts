// Mailchimp's concurrency limit: requests in flight per credential, counted from arrival
// until the answer is sent (latency waits included).

export class Throttle {
	private readonly inFlight = new Map<string, number>();

	constructor(private readonly max: number) {}

	/**
	 * Counts the request in, unless it is over the limit. `open` is how many the credential
	 * has open with this one, refused or not.
	 */
	enter(credential: string): { accepted: boolean; open: number } {
		const open = (this.inFlight.get(credential) ?? 0) + 1;
		if (open > this.max) return { accepted: false, open };
		this.inFlight.set(credential, open);
		return { accepted: true, open };
	}

	leave(credential: string): void {
		const open = (this.inFlight.get(credential) ?? 1) - 1;
		if (open > 0) this.inFlight.set(credential, open);
		else this.inFlight.delete(credential);
	}
}
