export { PipelinesView, PipelineDiagram } from './PipelinesView';
