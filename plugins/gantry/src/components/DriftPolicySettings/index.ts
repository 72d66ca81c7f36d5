export { DriftPolicySettings } from './DriftPolicySettings';
