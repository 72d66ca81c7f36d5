export { NewEnvironmentDialog } from './NewEnvironmentDialog';
