/**
 * The Gantry backend plugin.
 *
 * @packageDocumentation
 */
export { gantryPlugin as default } from './plugin';
