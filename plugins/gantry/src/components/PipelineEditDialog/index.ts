export { PipelineEditDialog } from './PipelineEditDialog';
