export { DriftChecks } from './DriftChecks';
