export { PromotionResult } from './PromotionResult';
