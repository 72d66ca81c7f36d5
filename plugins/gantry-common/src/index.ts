/**
 * Isomorphic Gantry code shared by the backend, the CLI and the frontend.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './api';
export * from './environments';
export * from './drift';
export * from './approvals';
export * from './events';
export * from './analytics';
export * from './notifications';
export * from './hooks';
export * from './dsl';
