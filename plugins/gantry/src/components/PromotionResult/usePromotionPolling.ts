import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  gantryEnvironmentsApiRef,
  Promotion,
  PromotionStatus,
} from '../../api/EnvironmentsApi';

export const FINAL_STATUSES: PromotionStatus[] = [
  'COMPLETED',
  'FAILED',
  'REJECTED',
  'CANCELLED',
  'ROLLED_BACK',
];

/**
 * The promotion as it is now: re-read every `pollMs` until it reaches a final
 * state (an approval may take days, so PENDING_APPROVAL keeps polling while
 * the page is open). A failed read is shown and retried on the next tick.
 */
export function usePromotionPolling(
  initial: Promotion,
  options: { tenant?: string; pollMs?: number } = {},
) {
  const api = useApi(gantryEnvironmentsApiRef);
  const { tenant, pollMs = 2000 } = options;
  const [promotion, setPromotion] = useState(initial);
  const [error, setError] = useState<Error | undefined>();
  const [tick, setTick] = useState(0);

  useEffect(() => setPromotion(initial), [initial]);

  useEffect(() => {
    if (FINAL_STATUSES.includes(promotion.status)) return undefined;
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const next = await api.getPromotion(promotion.id, { tenant });
        if (!cancelled) {
          setPromotion(next);
          setError(undefined);
        }
      } catch (e) {
        if (!cancelled) setError(e as Error);
      }
      if (!cancelled) setTick(t => t + 1);
    }, pollMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, promotion, tenant, pollMs, tick]);

  return { promotion, setPromotion, error };
}
