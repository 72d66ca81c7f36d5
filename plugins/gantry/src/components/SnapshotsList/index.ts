export { SnapshotsList } from './SnapshotsList';
