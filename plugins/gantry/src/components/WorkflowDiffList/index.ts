export { WorkflowDiffList } from './WorkflowDiffList';
