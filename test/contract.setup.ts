// Set-up of every runtime test file: the replies its test apps gave must match the contract
// (schemas/api-operations.json; contract-check.ts records them). Test files of one worker share their
// modules (vitest.config.ts, isolate: false), so the record is emptied when a file starts and checked when
// it ends: a file answers only for its own replies.
import { afterAll, beforeAll, expect } from 'vitest';
import { contractViolations } from '../runtime-api/test/contract-check.js';

beforeAll(() => {
  contractViolations.length = 0;
});

afterAll(() => {
  expect(contractViolations, 'replies that do not match schemas/api-operations.json').toEqual([]);
});
