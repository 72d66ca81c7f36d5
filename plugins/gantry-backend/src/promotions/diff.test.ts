import { assessRisk, diffWorkflow, secretReferences } from './diff';

const base = `name: sync
description: Syncs
steps:
  - id: check
    type: assert
    config:
      condition: "1 == 1"
  - id: notify
    type: notify.email
    config:
      to: ops@acme.example
      subject: done
`;

const risks = (after: string) =>
  assessRisk(base, after).map(f => `${f.risk}: ${f.what}`);

describe('promotion risk', () => {
  it('rates a rename or description as low', () => {
    expect(risks(base.replace('Syncs', 'Syncs nightly'))).toEqual([
      'low: name, description or version changed',
    ]);
  });

  it('rates error handling and settings as medium', () => {
    expect(
      risks(
        base.replace(
          '      subject: done\n',
          '      subject: done\n    retry:\n      attempts: 3\n',
        ),
      ),
    ).toEqual(['medium: step notify: error handling changed']);
    expect(risks(base.replace('subject: done', 'subject: finished'))).toEqual([
      'medium: step notify: settings changed',
    ]);
  });

  it('rates conditions, credentials, routing, triggers and code as high', () => {
    expect(
      risks(
        base.replace(
          '    type: notify.email\n',
          '    type: notify.email\n    when: "${workflow.ENV} == \'prod\'"\n',
        ),
      ),
    ).toContain('high: step notify: condition changed');
    expect(
      risks(base.replace('subject: done', 'subject: "${secrets.smtp_token}"')),
    ).toContain('high: step notify: credentials changed');
    expect(
      risks(
        base.replace(
          '    type: notify.email\n',
          '    type: notify.email\n    depends_on: []\n',
        ),
      ),
    ).toContain('high: step notify: routing (depends_on) changed');
    expect(
      risks(base.replace('type: notify.email', 'type: notify.webhook')),
    ).toContain('high: step notify: type notify.email → notify.webhook');
    expect(
      assessRisk(
        undefined,
        'name: x\nsteps:\n  - id: s\n    type: shell\n    command: echo\n',
      ),
    ).toEqual([{ risk: 'high', what: 'new workflow with shell steps' }]);
  });

  it('calls a workflow that does not validate high risk', () => {
    expect(assessRisk(base, 'name: x\nsteps: [')).toEqual([
      { risk: 'high', what: 'the workflow does not validate' },
    ]);
  });

  it('tells the diff statuses apart', () => {
    const a = { hash: 'a', definition: base };
    const b = { hash: 'b', definition: base.replace('Syncs', 'x') };
    expect(diffWorkflow({ name: 'w', source: a }).status).toBe('ADDED');
    expect(
      diffWorkflow({ name: 'w', target: { ...a, hotfix: false } }).status,
    ).toBe('TARGET_ONLY');
    expect(
      diffWorkflow({ name: 'w', source: a, target: { ...a, hotfix: true } })
        .status,
    ).toBe('UNCHANGED');
    expect(
      diffWorkflow({ name: 'w', source: b, target: { ...a, hotfix: false } })
        .status,
    ).toBe('MODIFIED');
    expect(
      diffWorkflow({ name: 'w', source: b, target: { ...a, hotfix: true } })
        .status,
    ).toBe('TARGET_HOTFIX');
  });

  it('finds secret references in both interpolation syntaxes', () => {
    expect(
      secretReferences('a ${secrets.one} b {{ secrets.two }} ${secrets.one}'),
    ).toEqual(['one', 'two']);
  });
});
