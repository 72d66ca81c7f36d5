import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';

/**
 * One call to the Gantry backend, shared by the API clients: query
 * parameters left unset are left out, a JSON body is sent as JSON, a failed
 * response throws Backstage's ResponseError (its message is the server's).
 */
export async function gantryRequest(
  deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  method: string,
  path: string,
  query: object = {},
  body?: unknown,
): Promise<any> {
  const baseUrl = await deps.discoveryApi.getBaseUrl('gantry');
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  const response = await deps.fetchApi.fetch(
    `${baseUrl}${path}${qs ? `?${qs}` : ''}`,
    {
      method,
      headers:
        body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
  );
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return response.status === 204 ? undefined : response.json();
}
