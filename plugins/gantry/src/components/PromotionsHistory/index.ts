export { PromotionsHistory } from './PromotionsHistory';
