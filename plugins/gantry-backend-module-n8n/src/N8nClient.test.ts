import http from 'node:http';
import net from 'node:net';
import { N8nClient, N8nError } from './N8nClient';

/** A stand-in HTTP server on loopback; `handler` answers each request. */
async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
) {
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

describe('N8nClient', () => {
  it('sends the API key and follows cursors', async () => {
    const seen: string[] = [];
    const server = await serve((req, res) => {
      seen.push(`${req.headers['x-n8n-api-key']} ${req.url}`);
      const url = new URL(req.url!, 'http://x');
      const cursor = url.searchParams.get('cursor');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          cursor
            ? { data: [{ id: 3 }], nextCursor: null }
            : { data: [{ id: 1 }, { id: 2 }], nextCursor: 'page-2' },
        ),
      );
    });
    try {
      const client = new N8nClient({
        baseUrl: `${server.baseUrl}/api/v1/`,
        apiKey: 'k',
      });
      const pages: number[] = [];
      const items = await client.list<{ id: number }>('/workflows', {
        pageSize: 2,
        query: { excludePinnedData: true },
        onPage: (_page, soFar) => pages.push(soFar),
      });
      expect(items.map(i => i.id)).toEqual([1, 2, 3]);
      expect(pages).toEqual([2, 3]);
      expect(seen).toEqual([
        'k /api/v1/workflows?excludePinnedData=true&limit=2',
        'k /api/v1/workflows?excludePinnedData=true&limit=2&cursor=page-2',
      ]);
    } finally {
      await server.close();
    }
  });

  it("names the status and n8n's message", async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 400;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ message: 'request/body/id is read-only' }));
    });
    try {
      const client = new N8nClient({ baseUrl: server.baseUrl, apiKey: 'k' });
      const error = (await client
        .request('PUT', '/workflows/1', { body: { id: '1' } })
        .catch(e => e)) as N8nError;
      expect(error).toBeInstanceOf(N8nError);
      expect(error.status).toBe(400);
      expect(error.details.n8nMessage).toBe('request/body/id is read-only');
      expect(error.message).toBe(
        `n8n at ${server.baseUrl} answered 400 Bad Request to PUT /api/v1/workflows/1: request/body/id is read-only`,
      );
    } finally {
      await server.close();
    }
  });

  it('says when the answer is not JSON, nobody listens, or n8n is too slow', async () => {
    const server = await serve((req, res) => {
      if (req.url!.includes('slow')) return; // never answers
      res.end('<html>a login page</html>');
    });
    try {
      const client = new N8nClient({
        baseUrl: server.baseUrl,
        apiKey: 'k',
        timeoutMs: 300,
      });
      await expect(client.request('GET', '/workflows')).rejects.toThrow(
        `${server.baseUrl} answered GET /api/v1/workflows with something that is not JSON; is it n8n's root URL?`,
      );
      await expect(client.request('GET', '/slow')).rejects.toThrow(
        `n8n at ${server.baseUrl} did not answer GET /api/v1/slow within 0.3 s`,
      );
    } finally {
      await server.close();
    }
    const gone = new N8nClient({ baseUrl: server.baseUrl, apiKey: 'k' });
    await expect(gone.request('GET', '/workflows')).rejects.toThrow(
      `cannot reach n8n at ${server.baseUrl} (ECONNREFUSED) for GET /api/v1/workflows`,
    );
  });
});
