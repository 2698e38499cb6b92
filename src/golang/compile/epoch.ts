// SOURCE_DATE_EPOCH: the one time a reproducible image may carry, read from the build arg of that name.

/** The newest second an image config's RFC 3339 `created` can say (9999-12-31T23:59:59Z). */
const MAX_EPOCH_SECONDS = 253_402_300_799;

/**
 * The build arg's value as a time: undefined when it is absent or empty (BuildKit treats an empty
 * SOURCE_DATE_EPOCH as unset), a message when it is not whole Unix seconds.
 */
export function parseSourceDateEpoch(text: string | undefined): Date | undefined | string {
  if (text === undefined || text === "") return undefined;
  if (!/^[0-9]+$/.test(text) || Number(text) > MAX_EPOCH_SECONDS) {
    return `build arg SOURCE_DATE_EPOCH must be whole Unix seconds, such as $(git log -1 --pretty=%ct) gives (e.g. 1700000000), not ${JSON.stringify(text)}`;
  }
  return new Date(Number(text) * 1000);
}

/** An image config's timestamp form of the epoch: RFC 3339 in UTC, whole seconds, as Go writes it (`2023-11-14T22:13:20Z`). */
export function epochTimestamp(epoch: Date): string {
  return epoch.toISOString().replace(/\.000Z$/, "Z");
}
