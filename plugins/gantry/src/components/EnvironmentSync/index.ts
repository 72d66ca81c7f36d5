export { EnvironmentSync } from './EnvironmentSync';
