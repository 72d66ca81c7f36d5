import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { gantryApiRef, GantryClient } from './api';
import { rootRouteRef } from './routes';

export const gantryPlugin = createPlugin({
  id: 'gantry',
  apis: [
    createApiFactory({
      api: gantryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GantryClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The Gantry tab of catalog entities (components Gantry deploys, and teams). */
export const EntityGantryContent = gantryPlugin.provide(
  createRoutableExtension({
    name: 'EntityGantryContent',
    component: () =>
      import('./components/EntityContent/EntityContent').then(
        m => m.EntityGantryContent,
      ),
    mountPoint: rootRouteRef,
  }),
);

/** The Gantry home page, mounted at `/gantry` by the app. */
export const GantryPage = gantryPlugin.provide(
  createRoutableExtension({
    name: 'GantryPage',
    component: () => import('./components/GantryPage').then(m => m.GantryPage),
    mountPoint: rootRouteRef,
  }),
);
