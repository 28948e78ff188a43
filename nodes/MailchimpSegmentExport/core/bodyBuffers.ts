// Reused memory for the batch upserts' bodies. A body's bytes (about 100 KB for 500 members) live
// until Mailchimp answers, long enough for V8 to promote the Buffer that holds them; a promoted
// Buffer's memory is freed only by a full collection, so a new one per batch let tens of megabytes
// of sent bodies pile up between full collections (n8n's peak memory). A body whose request has
// settled gives its buffer back here, and the next batch is written into it.

/** Spare room per buffer, so that most later bodies (of similar length) fit a buffer given back. */
const SLACK = 1 / 8;

/** The size of buffers made before any body has been given back: room for 500 members of about 250 bytes. */
const FIRST_ROOM = 128 * 1024;

export class BodyBuffers {
	private readonly free: Buffer[] = [];
	/** The longest body given back so far: new buffers are made with room for one as long. */
	private longest = 0;

	/** A buffer of at least `bytes`: one given back when one is large enough, else a new one. */
	take(bytes: number): Buffer {
		for (let i = this.free.length - 1; i >= 0; i--) {
			const room = this.free[i];
			if (room.length < bytes) continue;
			this.free[i] = this.free[this.free.length - 1];
			this.free.pop();
			return room;
		}
		return Buffer.allocUnsafeSlow(Math.max(bytes, roomFor(this.longest), FIRST_ROOM));
	}

	/** Gives back a buffer `take` returned (or part of one): no request may read it any more. */
	release(bytes: Buffer): void {
		this.longest = Math.max(this.longest, bytes.length);
		this.free.push(Buffer.from(bytes.buffer, 0, bytes.buffer.byteLength));
	}

	/** Buffers given back and not handed out again. */
	get spare(): number {
		return this.free.length;
	}
}

function roomFor(bytes: number): number {
	return bytes + Math.ceil(bytes * SLACK) + 64;
}

/**
 * Text written piece by piece as UTF-8 into a buffer from `buffers`, moved into a larger one
 * when it fills up. The pieces die young: only the bytes are held.
 */
export class BodyWriter {
	private room: Buffer;
	private used = 0;

	constructor(private readonly buffers: BodyBuffers) {
		this.room = buffers.take(0);
	}

	write(text: string): void {
		// A UTF-16 unit is at most 3 bytes of UTF-8: only a text that might not fit is measured.
		if (this.room.length - this.used < 3 * text.length) this.makeRoom(Buffer.byteLength(text, 'utf8'));
		this.used += this.room.write(text, this.used, 'utf8');
	}

	/** The bytes written so far. */
	bytes(): Buffer {
		return this.room.subarray(0, this.used);
	}

	private makeRoom(bytes: number): void {
		if (this.room.length - this.used >= bytes) return;
		const larger = this.buffers.take(Math.max(2 * this.room.length, this.used + bytes));
		this.room.copy(larger, 0, 0, this.used);
		this.room = larger;
	}
}
