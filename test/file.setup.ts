// Set-up of every test file. The test files of one worker share their modules (vitest.config.ts,
// isolate: false), so what one file leaves in a module the next would find:
// - the replies its test apps gave must match the contract (schemas/api-operations.json; contract-check.ts
//   records them): the record is emptied when a file starts and checked when it ends, so a file answers
//   only for its own replies;
// - the engine's registries of custom actions and operators, and its rule budget, are the process's: a
//   file that registers one takes it away again (helpers.ts, customActionForFile) and puts the budget
//   back, or it fails here rather than a later file;
// - the designer's API client keeps its bearer token in its module: each file starts logged out.
import { actions, allowedOperators, ruleBudget } from '@poolflow/engine';
import { afterAll, beforeAll, expect } from 'vitest';
import { setToken } from '../designer/src/api/client.js';
import { contractViolations } from '../runtime-api/test/contract-check.js';

const registries = () => ({
  actions: actions.list().map((a) => a.type),
  operators: allowedOperators(),
  budget: ruleBudget(),
});
let registered: ReturnType<typeof registries>;

beforeAll(() => {
  setToken(null);
  contractViolations.length = 0;
  registered = registries();
});

afterAll(() => {
  expect(contractViolations, 'replies that do not match schemas/api-operations.json').toEqual([]);
  expect(registries(), 'custom actions, operators or rule budget this file left changed').toEqual(
    registered,
  );
});
