package dev.plasma.blob;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Keeps blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph and the like) through the AWS SDK v2:
 * {@code <prefix>blobs/<hash>} once published, and a staged upload as <em>part objects</em>
 * {@code <prefix>uploads/<key>/<offset>} (the offset zero-padded to 19 digits, so that listing returns them
 * in order).
 * <p>
 * <b>Why part objects.</b> An S3 multipart upload cannot say how many bytes it holds without the upload id
 * being kept somewhere, and its parts are invisible to readers, so a resumed upload on another node could
 * neither find its offset nor hash what already arrived. Part objects are plain objects: the staged length
 * is a listing away, {@link #readStaged} streams them in order, and nothing is kept on the node.
 * <p>
 * <b>How.</b> An append reads the body into a buffer of {@code partSize} bytes (the only bytes held in
 * memory) and writes every full buffer as the part object at its offset. When the previous append ended
 * with a part shorter than {@code partSize}, the buffer starts with that part's bytes, read back, and
 * replaces it once full: every part but the last is exactly {@code partSize} long. A body that breaks off
 * keeps the parts written, not the buffer: the upload resumes from the end of the last part. Publishing
 * composes the parts on the server: one part is copied to the blob's object, more parts become a multipart
 * upload whose parts are copied from the part objects (S3 needs every part but the last to be at least
 * 5 MiB, which the part size guarantees); the part objects are deleted afterwards. Reads are ranged
 * {@code GetObject} requests (only the range a download asks for), and a read closed before its end
 * aborts its connection instead of draining the object.
 */
public class S3BlobStore implements BlobStore {

	/** The smallest part S3 accepts in a multipart upload, but for the last. */
	public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

	private static final int HTTP_RANGE_NOT_SATISFIABLE = 416;

	private final S3Client s3;

	private final String bucket;

	private final String prefix;

	private final int partSize;

	/**
	 * Creates the store.
	 * @param s3 the client
	 * @param bucket the bucket, which must exist
	 * @param prefix prepended to every object key, for example {@code "plasma/"}; may be empty
	 * @param partSize the bytes of a part object, at least {@link #MIN_PART_SIZE}; the most bytes an append
	 * holds in memory
	 */
	public S3BlobStore(S3Client s3, String bucket, String prefix, int partSize) {
		if (partSize < MIN_PART_SIZE) {
			throw new IllegalArgumentException("the part size must be at least 5 MiB, S3's smallest multipart part");
		}
		this.s3 = s3;
		this.bucket = bucket;
		this.prefix = prefix;
		this.partSize = partSize;
	}

	@Override
	public long append(String uploadKey, long offset, InputStream bytes) throws IOException {
		List<Part> parts = parts(uploadKey);
		long staged = end(parts);
		if (offset != staged) {
			throw new UploadOffsetException(offset, staged);
		}
		byte[] buffer = new byte[this.partSize];
		long partOffset = staged;
		int filled = 0;
		if (!parts.isEmpty() && parts.get(parts.size() - 1).size() < this.partSize) {
			Part last = parts.get(parts.size() - 1);
			try (InputStream in = get(last.key(), 0)) {
				filled = in.readNBytes(buffer, 0, (int) last.size());
			}
			partOffset = last.offset();
		}
		boolean unstored = false;
		while (true) {
			int n = bytes.readNBytes(buffer, filled, this.partSize - filled);
			filled += n;
			unstored |= n > 0;
			if (filled < this.partSize) {
				if (unstored) {
					put(partKey(uploadKey, partOffset), buffer, filled);
				}
				return partOffset + filled;
			}
			put(partKey(uploadKey, partOffset), buffer, filled);
			partOffset += filled;
			filled = 0;
			unstored = false;
		}
	}

	@Override
	public long staged(String uploadKey) throws IOException {
		return end(parts(uploadKey));
	}

	@Override
	public InputStream readStaged(String uploadKey) throws IOException {
		Iterator<Part> parts = parts(uploadKey).iterator();
		return new SequenceInputStream(new Enumeration<InputStream>() {

			@Override
			public boolean hasMoreElements() {
				return parts.hasNext();
			}

			@Override
			public InputStream nextElement() {
				try {
					return get(parts.next().key(), 0);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}

		});
	}

	@Override
	public void publish(String uploadKey, String hash) throws IOException {
		List<Part> parts = parts(uploadKey);
		String target = blobKey(hash);
		try {
			if (parts.isEmpty()) {
				this.s3.putObject((put) -> put.bucket(this.bucket).key(target), RequestBody.empty());
			}
			else if (parts.size() == 1) {
				this.s3.copyObject((copy) -> copy.sourceBucket(this.bucket)
					.sourceKey(parts.get(0).key())
					.destinationBucket(this.bucket)
					.destinationKey(target));
			}
			else {
				compose(parts, target);
			}
		}
		catch (SdkException ex) {
			throw failed("publish a blob", ex);
		}
		delete(parts);
	}

	private void compose(List<Part> parts, String target) {
		String uploadId = this.s3.createMultipartUpload((create) -> create.bucket(this.bucket).key(target)).uploadId();
		try {
			List<CompletedPart> completed = new ArrayList<>();
			for (int i = 0; i < parts.size(); i++) {
				int number = i + 1;
				Part part = parts.get(i);
				String etag = this.s3
					.uploadPartCopy((copy) -> copy.sourceBucket(this.bucket)
						.sourceKey(part.key())
						.destinationBucket(this.bucket)
						.destinationKey(target)
						.uploadId(uploadId)
						.partNumber(number))
					.copyPartResult()
					.eTag();
				completed.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
			}
			this.s3.completeMultipartUpload((complete) -> complete.bucket(this.bucket)
				.key(target)
				.uploadId(uploadId)
				.multipartUpload((upload) -> upload.parts(completed)));
		}
		catch (SdkException ex) {
			this.s3.abortMultipartUpload((abort) -> abort.bucket(this.bucket).key(target).uploadId(uploadId));
			throw ex;
		}
	}

	@Override
	public void discard(String uploadKey) throws IOException {
		delete(parts(uploadKey));
	}

	@Override
	public InputStream read(String hash, long offset) throws IOException {
		return read(hash, offset, -1);
	}

	@Override
	public InputStream read(String hash, long offset, long length) throws IOException {
		String key = blobKey(hash);
		if (length == 0) {
			if (!exists(key)) {
				throw new NoSuchFileException(key);
			}
			return InputStream.nullInputStream();
		}
		try {
			return get(key, offset, length);
		}
		catch (S3Exception ex) {
			if (exists(key)) {
				return InputStream.nullInputStream();
			}
			throw new NoSuchFileException(key);
		}
	}

	@Override
	public boolean contains(String hash) throws IOException {
		return exists(blobKey(hash));
	}

	@Override
	public void delete(String hash) throws IOException {
		String key = blobKey(hash);
		try {
			this.s3.deleteObject((delete) -> delete.bucket(this.bucket).key(key));
		}
		catch (SdkException ex) {
			throw failed("delete a blob", ex);
		}
	}

	private InputStream get(String key, long offset) throws IOException {
		return get(key, offset, -1);
	}

	/**
	 * Opens a ranged {@code GetObject} (to the end for a negative length); closing the stream before its
	 * end aborts the connection rather than reading the rest of the object.
	 */
	private InputStream get(String key, long offset, long length) throws IOException {
		try {
			return new Aborting(this.s3.getObject((get) -> {
				get.bucket(this.bucket).key(key);
				if (length > 0) {
					get.range("bytes=" + offset + "-" + (offset + length - 1));
				}
				else if (offset > 0) {
					get.range("bytes=" + offset + "-");
				}
			}));
		}
		catch (NoSuchKeyException ex) {
			throw new NoSuchFileException(key);
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == HTTP_RANGE_NOT_SATISFIABLE) {
				throw ex;
			}
			throw failed("read a blob", ex);
		}
		catch (SdkException ex) {
			throw failed("read a blob", ex);
		}
	}

	private boolean exists(String key) throws IOException {
		try {
			this.s3.headObject((head) -> head.bucket(this.bucket).key(key));
			return true;
		}
		catch (NoSuchKeyException ex) {
			return false;
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 404) {
				return false;
			}
			throw failed("read the bucket", ex);
		}
		catch (SdkException ex) {
			throw failed("read the bucket", ex);
		}
	}

	private void put(String key, byte[] buffer, int length) throws IOException {
		try {
			this.s3.putObject((put) -> put.bucket(this.bucket).key(key).contentLength((long) length),
					RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
							"application/octet-stream"));
		}
		catch (SdkException ex) {
			throw failed("store a part of an upload", ex);
		}
	}

	private List<Part> parts(String uploadKey) throws IOException {
		String folder = this.prefix + "uploads/" + BlobHashes.requireKey(uploadKey) + "/";
		List<Part> parts = new ArrayList<>();
		try {
			for (S3Object object : this.s3.listObjectsV2Paginator((list) -> list.bucket(this.bucket).prefix(folder))
				.contents()) {
				parts.add(new Part(object.key(), Long.parseLong(object.key().substring(folder.length())), object.size()));
			}
		}
		catch (SdkException ex) {
			throw failed("list an upload's parts", ex);
		}
		parts.sort(Comparator.comparingLong(Part::offset));
		return parts;
	}

	private void delete(List<Part> parts) throws IOException {
		try {
			for (Part part : parts) {
				this.s3.deleteObject((delete) -> delete.bucket(this.bucket).key(part.key()));
			}
		}
		catch (SdkException ex) {
			throw failed("delete an upload's parts", ex);
		}
	}

	private static long end(List<Part> parts) {
		if (parts.isEmpty()) {
			return 0;
		}
		Part last = parts.get(parts.size() - 1);
		return last.offset() + last.size();
	}

	private String partKey(String uploadKey, long offset) {
		return this.prefix + "uploads/" + uploadKey + "/" + String.format("%019d", offset);
	}

	private String blobKey(String hash) {
		return this.prefix + "blobs/" + BlobHashes.requireHash(hash);
	}

	private static IOException failed(String what, SdkException ex) {
		return new IOException("Plasma: could not " + what + " in S3: " + ex.getMessage(), ex);
	}

	/**
	 * An object's bytes that abort their connection when closed before the end.
	 */
	private static final class Aborting extends FilterInputStream {

		private final ResponseInputStream<GetObjectResponse> response;

		private long remaining;

		Aborting(ResponseInputStream<GetObjectResponse> response) {
			super(response);
			this.response = response;
			Long length = response.response().contentLength();
			this.remaining = (length != null) ? length : Long.MAX_VALUE;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = super.read(buffer, offset, length);
			this.remaining = (n < 0) ? 0 : this.remaining - n;
			return n;
		}

		@Override
		public void close() throws IOException {
			if (this.remaining > 0) {
				this.response.abort();
			}
			super.close();
		}

	}

	/**
	 * A part object of a staged upload.
	 */
	private record Part(String key, long offset, long size) {

	}

}
