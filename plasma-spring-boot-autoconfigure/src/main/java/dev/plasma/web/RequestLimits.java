package dev.plasma.web;

/**
 * The most a single sync request may carry: anything beyond is answered with HTTP 413 before any
 * mutation runs.
 *
 * @param maxPushBodySize the largest push body in bytes
 * @param maxPullBodySize the largest pull body in bytes
 * @param maxMutations the most mutations in one push
 */
public record RequestLimits(long maxPushBodySize, long maxPullBodySize, int maxMutations) {
}
