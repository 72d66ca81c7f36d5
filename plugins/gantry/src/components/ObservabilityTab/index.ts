export { ObservabilityTab } from './ObservabilityTab';
