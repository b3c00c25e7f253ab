// Record ids: UUIDv7 (RFC 9562), a 48-bit Unix time in milliseconds, then a 12-bit counter and 62
// random bits. Ids made later sort later, so a record's rows land at the right edge of every index
// keyed by its id (records_pkey, history_record, timers_pkey) instead of on a random leaf page each.
// The time is the machine's, not the runtime's clock: an id orders rows, it says nothing of business
// time (a manual clock may stand still or go back; ids still only grow).
import { randomFillSync } from 'node:crypto';

/** Random bytes drawn at once and handed out ten per id (two for the counter's start, eight after it). */
const PER_ID = 10;
const POOL_BYTES = PER_ID * 1024;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

let lastMs = 0;
/** Ids of one millisecond count up from a random start in the 12 bits after the time (RFC 9562, method 1). */
let counter = 0;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A new UUIDv7, greater than every id this process made before. */
export function newRecordId(now = Date.now()): string {
  if (offset === POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += PER_ID;
  if (now > lastMs) {
    lastMs = now;
    // A random start below 2048 leaves room for at least 2048 more ids in the same millisecond.
    counter = ((pool[r]! & 0x07) << 8) | pool[r + 1]!;
  } else if (++counter > 0xfff) {
    // More ids in one millisecond than the counter holds, or the machine's clock went back: the next
    // millisecond is borrowed, so ids still only grow.
    lastMs++;
    counter = 0;
  }
  const hi = Math.floor(lastMs / 0x1000000); // the top 24 of the 48 time bits
  const lo = lastMs % 0x1000000;
  const b = (i: number) => HEX[pool[r + 2 + i]!]!;
  return (
    HEX[(hi >>> 16) & 0xff]! +
    HEX[(hi >>> 8) & 0xff]! +
    HEX[hi & 0xff]! +
    HEX[(lo >>> 16) & 0xff]! +
    '-' +
    HEX[(lo >>> 8) & 0xff]! +
    HEX[lo & 0xff]! +
    '-' +
    HEX[0x70 | (counter >>> 8)]! +
    HEX[counter & 0xff]! +
    '-' +
    HEX[0x80 | (pool[r + 2]! & 0x3f)]! +
    b(1) +
    '-' +
    b(2) +
    b(3) +
    b(4) +
    b(5) +
    b(6) +
    b(7)
  );
}
