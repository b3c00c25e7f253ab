// The HTTP API's types, generated once from schemas/api*.json into the runtime (scripts/gen-types.ts):
// types and a table of routes only, nothing of the runtime's code.
export * from '../../../runtime-api/src/api.types.js';
