export * from './GantryApi';
export * from './GantryClient';
