export { GantryPage } from './GantryPage';
