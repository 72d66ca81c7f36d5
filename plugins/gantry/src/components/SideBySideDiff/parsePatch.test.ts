import { parsePatch } from './parsePatch';

const PATCH = [
  '===================================================================',
  '--- deploy.yaml\ttarget',
  '+++ deploy.yaml\tsource',
  '@@ -1,4 +1,4 @@',
  ' name: deploy',
  '-image: app:1',
  '+image: app:2',
  '+replicas: 3',
  ' steps:',
  '-  - old',
  '\\ No newline at end of file',
  '',
].join('\n');

describe('parsePatch', () => {
  it('pairs removals with their additions and keeps context on both sides', () => {
    expect(parsePatch(PATCH)).toEqual([
      { hunk: '@@ -1,4 +1,4 @@' },
      {
        left: { number: 1, text: 'name: deploy', kind: 'context' },
        right: { number: 1, text: 'name: deploy', kind: 'context' },
      },
      {
        left: { number: 2, text: 'image: app:1', kind: 'removed' },
        right: { number: 2, text: 'image: app:2', kind: 'added' },
      },
      {
        left: undefined,
        right: { number: 3, text: 'replicas: 3', kind: 'added' },
      },
      {
        left: { number: 3, text: 'steps:', kind: 'context' },
        right: { number: 4, text: 'steps:', kind: 'context' },
      },
      {
        left: { number: 4, text: '  - old', kind: 'removed' },
        right: undefined,
      },
    ]);
  });

  it('has no rows for an empty patch', () => {
    expect(parsePatch('')).toEqual([]);
  });
});
