// Public surface of the MMS simulator.
export { API_VERSION, type Credentials } from './auth.js';
export type { ErrorInjection } from './faults.js';
export { type FailureKind, type FailureRule, MmsModel, type ModelOptions } from './model.js';
export { ACTIONS, ROUTES, type RouteDef } from './routes.js';
export { PLANTED_SECRETS, SECRETS } from './secrets.js';
export { type MmsSimulator, type SimCall, type SimOptions, startSimulator } from './server.js';
export type { PlannedFailure, SourceSpec, TaskMatch } from './types.js';
