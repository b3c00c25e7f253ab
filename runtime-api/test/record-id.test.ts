// Record ids are UUIDv7: valid UUIDs (so every `format: uuid` and uuid column takes them) whose order is
// the order they were made in, which keeps the indexes keyed by record id appending at their right edge.
import { describe, expect, it } from 'vitest';
import { newRecordId } from '../src/services/record-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('record ids', () => {
  it('are version 7 UUIDs that start with the time they were made', () => {
    // Later than any id made so far in this process (other test files of the worker made some).
    const ms = Date.now() + 60_000;
    const id = newRecordId(ms);
    expect(id).toMatch(V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sort in the order they were made, within a millisecond and when the clock goes back', () => {
    const ms = Date.now() + 120_000;
    // 10,000 in one millisecond (more than its 12-bit counter holds), then a clock 5 s behind.
    const ids = [
      ...Array.from({ length: 10_000 }, () => newRecordId(ms)),
      ...Array.from({ length: 100 }, () => newRecordId(ms - 5_000)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(V7);
  });

  it('differ in their random bits', () => {
    const tails = new Set(Array.from({ length: 1_000 }, () => newRecordId().slice(19)));
    expect(tails.size).toBe(1_000);
  });
});
