export { CanonicalView } from './CanonicalView';
