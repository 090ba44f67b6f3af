/**
 * Files and blobs: the {@link dev.plasma.blob.BlobStore} holding a blob's bytes, and Plasma's bookkeeping of
 * uploads and references.
 */
@NullMarked
package dev.plasma.blob;

import org.jspecify.annotations.NullMarked;
