package dev.xormount.cache;

/**
 * Counters of a {@link BlockCache} since it was created.
 *
 * @param hits block requests served from the cache or from a load already in flight
 * @param misses block loads started, by readers and by read-ahead
 * @param evictions blocks dropped to stay within the byte bound
 * @param loadFailures loads that failed; none of them was cached
 * @param bytesCached bytes of completed blocks held now
 * @param maxBytes the byte bound
 */
public record CacheStats(long hits, long misses, long evictions, long loadFailures, long bytesCached, long maxBytes) {}
