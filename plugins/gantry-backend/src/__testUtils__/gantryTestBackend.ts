import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { gantryRolePolicyModule } from '@internal/plugin-gantry-node';
import permissionBackend from '@backstage/plugin-permission-backend';
import { Knex } from 'knex';
import path from 'node:path';
import request from 'supertest';
import { gantryPlugin } from '../plugin';
import { demoOrganisation } from './demoOrganisation';

const OBO_TOKEN = 'mock-service-token:';

/**
 * The mock auth service, except that a plugin's token on behalf of a user
 * keeps the calling plugin as the user's actor, as Backstage's real auth
 * does. The permission backend needs that to accept conditional and
 * resource requests on a user's behalf.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const authenticate = auth.authenticate.bind(auth);
    auth.authenticate = async (token, options) => {
      const credentials = await authenticate(token, options);
      if (!token.startsWith(OBO_TOKEN)) return credentials;
      const { sub, obo } = JSON.parse(token.slice(OBO_TOKEN.length));
      return obo
        ? (mockCredentials.user(obo, { actor: { subject: sub } }) as any)
        : credentials;
    };
    return auth;
  },
});

export const ROLES = {
  admin: ['group:default/platform-admins'],
  developer: [
    'group:default/platform-team',
    'group:default/checkout-team',
    'group:default/globex-web-team',
  ],
};

/**
 * Gantry with the real permission backend and its sample role policy, the
 * demo organisation of catalog-info.yaml in an in-memory catalog (the
 * catalog backend itself needs no test here) and a real database.
 */
export async function startGantryBackend(
  knex: Knex,
  gantryConfig: Record<string, unknown> = {},
  extraFeatures: any[] = [],
) {
  const scheduler = mockServices.scheduler() as any;
  const backend = await startTestBackend({
    features: [
      gantryPlugin,
      permissionBackend,
      gantryRolePolicyModule,
      permissionsServiceFactory,
      authWithActors,
      // reads tokens through authWithActors (the mock one has its own auth)
      httpAuthServiceFactory,
      catalogServiceMock.factory({ entities: demoOrganisation() }),
      mockServices.database.factory({ knex }),
      scheduler.factory(),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          permission: { enabled: true },
          gantry: {
            defaultTenant: 'group:default/acme',
            providers: {
              directory: path.resolve(__dirname, '../../../../providers'),
            },
            permissions: { roles: ROLES, defaultRole: 'viewer' },
            ...gantryConfig,
          },
        },
      }),
      ...extraFeatures,
    ],
  });
  return { ...backend, scheduler };
}

/** The authorization header of a demo user, e.g. `as('carl')`. */
export function as(user: string): string {
  return mockCredentials.user.header(`user:default/${user}`);
}

/**
 * Calls Gantry's API as a demo user: `apiAs(() => server, 'ada').get('/runs')`
 * (the server is looked up per call, so a describe block can make the
 * client before beforeAll starts the backend).
 */
export function apiAs(server: () => any, user: string) {
  const authorization = as(user);
  return {
    get: (route: string) =>
      request(server())
        .get(`/api/gantry${route}`)
        .set('authorization', authorization),
    post: (route: string, body?: object) =>
      request(server())
        .post(`/api/gantry${route}`)
        .set('authorization', authorization)
        .send(body ?? {}),
    put: (route: string, body: object) =>
      request(server())
        .put(`/api/gantry${route}`)
        .set('authorization', authorization)
        .send(body),
  };
}

/** Polls a GET route as `user` until `done` holds for its body. */
export async function waitFor(
  server: any,
  route: string,
  user: string,
  done: (body: any) => boolean,
): Promise<any> {
  let body: any;
  for (let i = 0; i < 750; i++) {
    body = (
      await request(server)
        .get(`/api/gantry${route}`)
        .set('authorization', as(user))
    ).body;
    if (done(body)) return body;
    await new Promise(r => setTimeout(r, 20));
  }
  throw new Error(`${route} never got there: ${JSON.stringify(body)}`);
}

/** Starts a workflow from its YAML as `user`; returns the run. */
export async function startRun(
  server: any,
  user: string,
  definition: string,
): Promise<any> {
  const res = await request(server)
    .post('/api/gantry/runs')
    .set('authorization', as(user))
    .send({ definition });
  if (res.status !== 201) {
    throw new Error(`could not start run: ${res.status} ${res.text}`);
  }
  return res.body;
}

/** A workflow whose single step waits for one of `approvers`. */
export function gateWorkflow(approvers: string[], extra = ''): string {
  return `name: gate
steps:
  - id: gate
    type: approval
    config:
      message: Ship?
      approvers: [${approvers.join(', ')}]${extra}
`;
}

/**
 * The guide's test-checkout Score spec, as written, plus the postgres
 * resource the deployment provisions through database-team.
 */
export const TEST_CHECKOUT_SPEC = `apiVersion: score.dev/v1b1
metadata:
  name: test-checkout
  product: payments  # Triggers your workflow
containers:
  web:
    image: nginx:latest
resources:
  db:
    type: postgres
`;
