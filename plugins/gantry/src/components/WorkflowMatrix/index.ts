export { WorkflowMatrix } from './WorkflowMatrix';
