/**
 * The {@code blobs} benchmark: upload and download throughput of Plasma's blob endpoints against the
 * store itself, and concurrent downloads.
 */
@NullMarked
package dev.plasma.bench.blob;

import org.jspecify.annotations.NullMarked;
