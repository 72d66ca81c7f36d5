import { createApiRef } from '@backstage/core-plugin-api';
import { GantryHealthResponse } from '@internal/plugin-gantry-common';

/** What the Gantry pages need from the Gantry backend. */
export interface GantryApi {
  getHealth(): Promise<GantryHealthResponse>;
}

export const gantryApiRef = createApiRef<GantryApi>({ id: 'plugin.gantry' });
