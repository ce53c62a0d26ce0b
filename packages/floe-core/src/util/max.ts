/**
 * The largest `f(item)`, 0 for no items. A loop, not Math.max(...items):
 * spread arguments overflow the call stack near 10^5 items (150,014 generated
 * files for 30,000 domains did).
 */
export function maxOf<T>(items: Iterable<T>, f: (item: T) => number): number {
  let max = 0;
  for (const item of items) {
    const v = f(item);
    if (v > max) max = v;
  }
  return max;
}
