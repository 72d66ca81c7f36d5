export { PromotionWizard } from './PromotionWizard';
