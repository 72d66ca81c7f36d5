export { EnvironmentsTab } from './EnvironmentsTab';
