export { DriftedWorkflowView } from './DriftedWorkflowView';
