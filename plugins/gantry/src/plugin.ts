import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { gantryApiRef, GantryClient } from './api';
import { gantryDriftApiRef } from './api/DriftApi';
import { DriftClient } from './api/DriftClient';
import { gantryEnvironmentsApiRef } from './api/EnvironmentsApi';
import { EnvironmentsClient } from './api/EnvironmentsClient';
import { gantryObservabilityApiRef } from './api/ObservabilityApi';
import { ObservabilityClient } from './api/ObservabilityClient';
import { gantryHooksApiRef } from './api/HooksApi';
import { HooksClient } from './api/HooksClient';
import { rootRouteRef } from './routes';

export const gantryPlugin = createPlugin({
  id: 'gantry',
  apis: [
    createApiFactory({
      api: gantryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GantryClient(deps),
    }),
    createApiFactory({
      api: gantryEnvironmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new EnvironmentsClient(deps),
    }),
    createApiFactory({
      api: gantryObservabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ObservabilityClient(deps),
    }),
    createApiFactory({
      api: gantryDriftApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DriftClient(deps),
    }),
    createApiFactory({
      api: gantryHooksApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new HooksClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The Gantry tab of catalog entities (components Gantry deploys, and teams).
 * A component extension, not a routable one: links inside it resolve the
 * plugin's root route to the Gantry page, not to the entity's tab.
 */
export const EntityGantryContent = gantryPlugin.provide(
  createComponentExtension({
    name: 'EntityGantryContent',
    component: {
      lazy: () =>
        import('./components/EntityContent/EntityContent').then(
          m => m.EntityGantryContent,
        ),
    },
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
