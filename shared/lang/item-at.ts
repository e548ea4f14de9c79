// Reading a list where the index is in range by construction (a weekday from getDay(), the group
// of a pattern that matched, a row counted a moment ago). With noUncheckedIndexedAccess an index
// read may be undefined; this says "in range" once, and an index that is not is a bug that
// throws where it happens instead of travelling on as undefined.
export function itemAt<T>(list: ArrayLike<T>, index: number): T {
  if (!(index >= 0 && index < list.length)) {
    throw new RangeError(`index ${index} outside 0..${list.length - 1}`);
  }
  return list[index] as T;
}
