package dev.plasma.blob;

/**
 * What one run of {@link BlobCollector#gcOrphanedBlobs()} did.
 * @param ran whether it ran (false: another instance holds the lease)
 * @param orphaned blobs marked orphaned, their bytes deleted
 * @param bytesCollected the bytes deleted
 * @param expiredUploads abandoned uploads removed
 * @param finishedAt when the run ended (Unix ms)
 */
public record BlobCollection(boolean ran, int orphaned, long bytesCollected, int expiredUploads, long finishedAt) {
}
