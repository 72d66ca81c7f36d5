import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Page } from '../../api';

/**
 * Items of a cursor-paginated list, loaded page by page ("Load more").
 * Changing `deps` starts again from the first page.
 */
export function useCursorPages<T>(
  fetchPage: (cursor?: string) => Promise<Page<T>>,
  deps: unknown[],
) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const first = useAsyncRetry(async () => {
    const page = await fetchPage();
    setItems(page.items);
    setCursor(page.nextCursor);
    return page;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const more = async () => {
    const page = await fetchPage(cursor);
    setItems(previous => [...previous, ...page.items]);
    setCursor(page.nextCursor);
  };

  return {
    items,
    loading: first.loading,
    error: first.error,
    reload: first.retry,
    more: cursor ? more : undefined,
  };
}
