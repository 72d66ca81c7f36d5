import { parseScoreSpec } from './score';

// The Score spec of the provider workflows guide, as written there.
const TEST_CHECKOUT = `apiVersion: score.dev/v1b1
metadata:
  name: test-checkout
  product: payments  # Triggers your workflow
containers:
  web:
    image: nginx:latest
`;

describe('parseScoreSpec', () => {
  it("reads the guide's test-checkout spec into application.*", () => {
    const { application, errors } = parseScoreSpec(TEST_CHECKOUT, 'score.yaml');
    expect(errors).toEqual([]);
    expect(application).toEqual({
      name: 'test-checkout',
      metadata: { product: 'payments' },
      resources: {},
    });
  });

  it.each([
    ['metadata:\n  name: Test_Checkout\n', 'metadata.name', /RFC 1123/],
    ['containers-missing', 'containers', /is required/],
    ['containers: {}\n', 'containers', /at least one container/],
    [
      'containers:\n  web:\n    imag: nginx\n',
      'containers.web.imag',
      /unknown field 'imag'/,
    ],
    [
      'service:\n  ports:\n    www:\n      port: 70000\n',
      'service.ports.www.port',
      /70000|65535|<=/,
    ],
    [
      'resources:\n  db:\n    class: large\n',
      'resources.db.type',
      /is required/,
    ],
    [
      'resources:\n  db:\n    type: postgres\n    properties: {}\n',
      'resources.db.properties',
      /unknown field 'properties'/,
    ],
  ])('names the field: %#', (extra, field, message) => {
    const base = TEST_CHECKOUT.replace(
      'containers:\n  web:\n    image: nginx:latest\n',
      '',
    );
    let text = `${TEST_CHECKOUT}${extra}`;
    if (extra.startsWith('metadata:')) {
      text = `apiVersion: score.dev/v1b1\n${extra}containers:\n  web:\n    image: x\n`;
    } else if (extra.startsWith('containers')) {
      text = `${base}${extra.replace('containers-missing', '')}`;
    }
    const { errors } = parseScoreSpec(text, 'score.yaml');
    expect(errors.map(e => e.path)).toContain(field);
    expect(errors.find(e => e.path === field)!.message).toMatch(message);
    expect(errors[0].line).toBeGreaterThan(0);
  });

  it('checks placeholders against metadata and declared resources, honouring $$', () => {
    const spec = `${TEST_CHECKOUT}    variables:\n      DB: \${resources.db.host}\n      NAME: \${metadata.name}\n      LITERAL: $\${not.a.placeholder}\n      BAD: \${resources.cache.host}\nresources:\n  db:\n    type: postgres\n`;
    const { errors } = parseScoreSpec(spec, 'score.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('containers.web.variables.BAD');
    expect(errors[0].message).toMatch(
      /\$\{resources.cache.host\} names no metadata field or declared resource/,
    );
  });
});
