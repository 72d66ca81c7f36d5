/**
 * The Gantry frontend plugin.
 *
 * @packageDocumentation
 */
export { gantryPlugin, GantryPage } from './plugin';
export { gantryApiRef, GantryClient } from './api';
export type { GantryApi } from './api';
