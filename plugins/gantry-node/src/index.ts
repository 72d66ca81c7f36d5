/**
 * Node.js library for Gantry: the extension points other backend modules use,
 * and the catalog-based tenant resolver the backend and permission policy share.
 *
 * @packageDocumentation
 */
export * from './executors';
export * from './extensions';
export * from './tenancy';
export * from './permissions';
export * from './rolePolicy';
export * from './rolePolicyModule';
export * from './environments';
