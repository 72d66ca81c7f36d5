export { GateResults } from './GateResults';
