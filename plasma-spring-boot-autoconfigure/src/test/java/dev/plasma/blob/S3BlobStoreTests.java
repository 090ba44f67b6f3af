package dev.plasma.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import dev.plasma.testsupport.S3ProxyServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The {@link BlobStore} contract for {@link S3BlobStore} against S3Proxy (which, like S3, refuses multipart
 * parts under 5 MiB but for the last), and how appends lay out part objects and publishing composes them.
 */
class S3BlobStoreTests extends AbstractBlobStoreTests {

	private static final int PART_SIZE = S3BlobStore.MIN_PART_SIZE;

	private S3Client client;

	private String bucket;

	private BlobStore store;

	@BeforeEach
	void setUp() {
		S3ProxyServer server = S3ProxyServer.get();
		this.client = server.client();
		this.bucket = server.createBucket();
		this.store = new S3BlobStore(this.client, this.bucket, "app/", PART_SIZE);
	}

	@AfterEach
	void tearDown() {
		this.client.close();
	}

	@Override
	protected BlobStore store() {
		return this.store;
	}

	@Test
	void aPartSizeBelowS3sMinimumIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new S3BlobStore(this.client, this.bucket, "", PART_SIZE - 1));
	}

	@Test
	void everyPartButTheLastIsFullWhateverTheAppendsAndPublishingLeavesOnlyTheBlob() throws IOException {
		byte[] content = bytes(PART_SIZE * 2 + 10, 40);
		store().append("s1", 0, new ByteArrayInputStream(content, 0, 1000));
		store().append("s1", 1000, new ByteArrayInputStream(content, 1000, PART_SIZE));
		store().append("s1", PART_SIZE + 1000, new ByteArrayInputStream(content, PART_SIZE + 1000, 7));
		store().append("s1", PART_SIZE + 1007, InputStream.nullInputStream());
		store().append("s1", PART_SIZE + 1007, new ByteArrayInputStream(content, PART_SIZE + 1007, content.length - PART_SIZE - 1007));
		assertThat(S3ProxyServer.get().keys(this.bucket)).containsExactly("app/uploads/s1/0000000000000000000",
				"app/uploads/s1/" + String.format("%019d", PART_SIZE), "app/uploads/s1/" + String.format("%019d", 2 * PART_SIZE));
		assertThat(store().staged("s1")).isEqualTo(content.length);
		store().publish("s1", HASH);
		assertThat(S3ProxyServer.get().keys(this.bucket)).containsExactly("app/blobs/" + HASH);
		try (InputStream in = store().read(HASH, 0)) {
			assertThat(in.readAllBytes()).isEqualTo(content);
		}
	}

}
