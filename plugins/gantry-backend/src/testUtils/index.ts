/**
 * Test utilities for packages that test against a real Gantry backend (the
 * CLI): a platform adapter whose workflows are files in a directory, so
 * drift can be made by editing a file.
 *
 * @packageDocumentation
 */
export { directoryAdapter, directoryAdapterModule } from './directoryAdapter';
