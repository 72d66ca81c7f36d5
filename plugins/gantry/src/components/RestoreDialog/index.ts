export { RestoreDialog } from './RestoreDialog';
