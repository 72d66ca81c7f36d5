export * from './DriftChips';
