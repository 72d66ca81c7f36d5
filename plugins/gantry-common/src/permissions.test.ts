import {
  gantryPermissions,
  gantryReadPermission,
  gantryRunCreatePermission,
  isReadOnlyPermission,
} from './permissions';

describe('gantry permissions', () => {
  it('have unique names under the gantry prefix', () => {
    const names = gantryPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^gantry\./);
  });

  it('tell read permissions from mutating ones', () => {
    expect(isReadOnlyPermission(gantryReadPermission)).toBe(true);
    expect(isReadOnlyPermission(gantryRunCreatePermission)).toBe(false);
    expect(
      gantryPermissions.filter(isReadOnlyPermission).map(p => p.name),
    ).toEqual(['gantry.read', 'gantry.audit.read']);
  });
});
