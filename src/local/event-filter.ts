/**
 * The part of Lambda's event filtering syntax this service uses: nested objects whose leaves
 * are arrays of allowed values. An event matches when every leaf of the pattern finds its
 * field in the event holding one of the allowed values.
 */
export type FilterPattern = { readonly [field: string]: FilterPattern | readonly (string | number | boolean)[] };

export function matchesFilter(event: unknown, pattern: FilterPattern): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[field] : undefined;
    if (Array.isArray(expected)) return expected.includes(actual as string | number | boolean);
    return matchesFilter(actual, expected as FilterPattern);
  });
}
