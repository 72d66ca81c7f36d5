export { SideBySideDiff } from './SideBySideDiff';
export { parsePatch } from './parsePatch';
export type { DiffLine, DiffRow } from './parsePatch';
