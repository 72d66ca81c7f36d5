import { AdapterEnvironment } from '@internal/plugin-gantry-node';
import { MAX_PAGE_SIZE } from './N8nClient';

/**
 * An n8n environment's configuration: `settings.baseUrl` (or `settings.url`),
 * `secrets.apiKey` (an n8n public API key), optionally `settings.deleteMode`
 * and `settings.pageSize`.
 */
export interface N8nEnvironmentSettings {
  baseUrl: string;
  apiKey: string;
  /**
   * What removing a workflow does. Only `delete` works: n8n 1.123's public
   * API has no archive endpoint (archiving exists only in the editor's
   * internal API), so `archive` is refused with that reason.
   */
  deleteMode: 'delete' | 'archive';
  /** Workflows per page when reading (1–250, n8n's maximum; default 250). */
  pageSize: number;
}

export const ARCHIVE_UNSUPPORTED =
  "n8n's public API (1.123) cannot archive workflows, only delete them; set deleteMode to 'delete' (the default)";

/** Reads and checks an environment's n8n settings; the error says what is missing. */
export function n8nSettings(env: AdapterEnvironment): N8nEnvironmentSettings {
  const where = `the n8n environment ${env.name}`;
  const raw = env.settings.baseUrl ?? env.settings.url;
  if (typeof raw !== 'string' || !raw.trim()) {
    throw new Error(
      `${where} has no settings.baseUrl (n8n's root URL, e.g. http://127.0.0.1:5678)`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`${where}: settings.baseUrl '${raw}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${where}: settings.baseUrl must be an http(s) URL`);
  }
  const apiKey = env.secrets.apiKey;
  if (!apiKey) {
    throw new Error(
      `${where} has no secrets.apiKey (an API key from n8n's Settings → n8n API)`,
    );
  }
  const deleteMode = env.settings.deleteMode ?? 'delete';
  if (deleteMode !== 'delete' && deleteMode !== 'archive') {
    throw new Error(
      `${where}: settings.deleteMode must be 'delete' or 'archive', not '${deleteMode}'`,
    );
  }
  const pageSize = Number(env.settings.pageSize ?? MAX_PAGE_SIZE);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new Error(
      `${where}: settings.pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
    );
  }
  return {
    baseUrl: url.toString().replace(/\/+$/, ''),
    apiKey,
    deleteMode,
    pageSize,
  };
}
