// Reused memory for the batch upserts' bodies. A body's bytes (about 100 KB for 500 members) live
// until Mailchimp answers, long enough for V8 to promote the Buffer that holds them; a promoted
// Buffer's memory is freed only by a full collection, so a new one per batch let tens of megabytes
// of sent bodies pile up between full collections (n8n's peak memory). A body whose request has
// settled gives its buffer back here, and the next batch is written into it.

/** Spare room per buffer, so that most later bodies (of similar length) fit a buffer given back. */
const SLACK = 1 / 8;

export class BodyBuffers {
	private readonly free: Buffer[] = [];

	/** `text` as UTF-8 bytes, in a buffer of its own until it is given back with `release`. */
	encode(text: string): Buffer {
		const room = this.take(text.length + 4) ?? Buffer.allocUnsafeSlow(roomFor(text.length));
		const written = room.write(text, 'utf8');
		// A write stops before a character that does not fit: with 4 bytes (the longest character)
		// still free, nothing was left out.
		if (written <= room.length - 4) return room.subarray(0, written);
		const exact = Buffer.allocUnsafeSlow(roomFor(Buffer.byteLength(text, 'utf8')));
		return exact.subarray(0, exact.write(text, 'utf8'));
	}

	/** Gives back the bytes `encode` returned: no request may read them any more. */
	release(bytes: Buffer): void {
		this.free.push(Buffer.from(bytes.buffer, 0, bytes.buffer.byteLength));
	}

	/** Buffers given back and not handed out again. */
	get spare(): number {
		return this.free.length;
	}

	private take(atLeast: number): Buffer | undefined {
		for (let i = this.free.length - 1; i >= 0; i--) {
			const room = this.free[i];
			if (room.length < atLeast) continue;
			this.free[i] = this.free[this.free.length - 1];
			this.free.pop();
			return room;
		}
		return undefined;
	}
}

function roomFor(bytes: number): number {
	return bytes + Math.ceil(bytes * SLACK) + 64;
}
