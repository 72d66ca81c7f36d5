/**
 * Node.js library for Gantry: the extension points other backend modules use.
 *
 * @packageDocumentation
 */
export * from './executors';
export * from './extensions';
