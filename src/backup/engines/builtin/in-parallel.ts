/**
 * Loading a vault's small objects (index files, snapshots, tree blobs, pack listings) one after
 * the other costs a round trip each over a network backend — hundreds of snapshots, hundreds of
 * round trips before a run starts. This many are requested at once instead: on one SFTP
 * connection they are requests in flight together; on S3, requests on the client's pool.
 */
export const LOADS_IN_FLIGHT = 8;

/**
 * `op` over every item, at most `limit` at once; the results in the items' order. The first
 * failure rejects the whole and no further item is started (those in flight finish unobserved).
 */
export async function mapInParallel<T, R>(items: readonly T[], op: (item: T) => Promise<R>, limit = LOADS_IN_FLIGHT): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const at = next++;
      try {
        results[at] = await op(items[at]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
