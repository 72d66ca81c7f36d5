export { SnapshotCompareDialog } from './SnapshotCompareDialog';
