/**
 * The Gantry frontend plugin.
 *
 * @packageDocumentation
 */
export { gantryPlugin, GantryPage, EntityGantryContent } from './plugin';
export {
  GantrySidebarItem,
  usePendingApprovalsCount,
} from './components/GantrySidebarItem/GantrySidebarItem';
export { isGantryAvailable } from './components/EntityContent/EntityContent';
export { gantryApiRef, GantryClient } from './api';
export type { GantryApi } from './api';
export { gantryEnvironmentsApiRef } from './api/EnvironmentsApi';
export type { EnvironmentsApi } from './api/EnvironmentsApi';
export { EnvironmentsClient } from './api/EnvironmentsClient';
