/** Builds the web console into `outdir` (default `dist/console`); resolves to each file's size and brotli size. */
export function buildConsole(outdir?: string): Promise<Record<string, { bytes: number; brotli: number }>>
