import { effectiveProfile, outboundAllowed, stricterProfile } from './policy';

describe('policy helpers', () => {
  it('makes a run at least as strict as its environment class', () => {
    const policy = {
      profile: 'standard' as const,
      profiles: { production: 'restricted' as const },
    };
    expect(effectiveProfile(policy, undefined, 'production')).toBe(
      'restricted',
    );
    expect(effectiveProfile(policy, 'elevated', 'production')).toBe(
      'restricted',
    );
    expect(effectiveProfile(policy, 'plan_only', 'production')).toBe(
      'plan_only',
    );
    expect(effectiveProfile(policy, undefined, 'development')).toBe('standard');
    expect(effectiveProfile({}, undefined, undefined)).toBe('standard');
    expect(stricterProfile('elevated', 'standard')).toBe('standard');
  });

  it('allows outbound calls only to listed hosts and their subdomains', () => {
    const allowed = ['hooks.slack.example', '*.acme.example'];
    expect(outboundAllowed('https://hooks.slack.example/x', allowed)).toBe(
      true,
    );
    expect(outboundAllowed('https://api.acme.example/v1', allowed)).toBe(true);
    expect(outboundAllowed('https://acme.example.evil.test/', allowed)).toBe(
      false,
    );
    expect(outboundAllowed('http://169.254.169.254/latest', allowed)).toBe(
      false,
    );
    expect(outboundAllowed('not a url', allowed)).toBe(false);
    expect(outboundAllowed('https://anything.test/', undefined)).toBe(true);
  });
});
