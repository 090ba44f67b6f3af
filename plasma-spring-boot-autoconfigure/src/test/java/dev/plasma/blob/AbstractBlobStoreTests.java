package dev.plasma.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The contract every {@link BlobStore} keeps: staged uploads grow by appends at their end, survive a
 * dropped connection with what arrived, become readable blobs only when published, and go away when
 * discarded or deleted.
 */
public abstract class AbstractBlobStoreTests {

	static final String HASH = "a".repeat(64);

	protected abstract BlobStore store();

	static byte[] bytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	private static byte[] readAll(InputStream in) throws IOException {
		try (in) {
			return in.readAllBytes();
		}
	}

	@Test
	void aPublishedUploadReadsBackWholeAndFromAnyOffset() throws IOException {
		byte[] content = bytes(DatabaseBlobStore.CHUNK_SIZE * 2 + 1234, 1);
		assertThat(store().append("u1", 0, new ByteArrayInputStream(content))).isEqualTo(content.length);
		assertThat(store().contains(HASH)).isFalse();
		store().publish("u1", HASH);
		assertThat(store().contains(HASH)).isTrue();
		assertThat(store().staged("u1")).isZero();
		assertThat(readAll(store().read(HASH, 0))).isEqualTo(content);
		int from = DatabaseBlobStore.CHUNK_SIZE + 17;
		assertThat(readAll(store().read(HASH, from))).isEqualTo(Arrays.copyOfRange(content, from, content.length));
		assertThat(readAll(store().read(HASH, content.length))).isEmpty();
		try (InputStream range = store().read(HASH, from, 20)) {
			assertThat(range.readNBytes(20)).isEqualTo(Arrays.copyOfRange(content, from, from + 20));
		}
		try (InputStream unfinished = store().read(HASH, 0)) {
			assertThat(unfinished.readNBytes(10)).isEqualTo(Arrays.copyOf(content, 10));
		}
		assertThat(readAll(store().read(HASH, 5, content.length - 5))).isEqualTo(Arrays.copyOfRange(content, 5, content.length));
	}

	@Test
	void anUploadGrowsByPartsAppendedAtItsEnd() throws IOException {
		byte[] content = bytes(1000, 2);
		store().append("u2", 0, new ByteArrayInputStream(content, 0, 400));
		assertThat(store().staged("u2")).isEqualTo(400);
		store().append("u2", 400, new ByteArrayInputStream(content, 400, 600));
		assertThat(readAll(store().readStaged("u2"))).isEqualTo(content);
		store().publish("u2", HASH);
		assertThat(readAll(store().read(HASH, 0))).isEqualTo(content);
	}

	@Test
	void anAppendAtAnotherOffsetThanTheStagedLengthIsRefused() throws IOException {
		store().append("u3", 0, new ByteArrayInputStream(bytes(10, 3)));
		assertThatExceptionOfType(UploadOffsetException.class)
			.isThrownBy(() -> store().append("u3", 5, new ByteArrayInputStream(bytes(10, 3))))
			.satisfies((ex) -> assertThat(ex.staged()).isEqualTo(10));
		assertThatExceptionOfType(UploadOffsetException.class)
			.isThrownBy(() -> store().append("u3", 11, new ByteArrayInputStream(bytes(10, 3))));
		assertThat(store().staged("u3")).isEqualTo(10);
	}

	@Test
	void aConnectionDroppedMidUploadKeepsAPrefixToResumeFrom() throws IOException {
		byte[] content = bytes(DatabaseBlobStore.CHUNK_SIZE * 2, 4);
		InputStream dropping = new InputStream() {
			private int position;

			@Override
			public int read() throws IOException {
				if (this.position == DatabaseBlobStore.CHUNK_SIZE + 100) {
					throw new IOException("connection reset");
				}
				return content[this.position++] & 0xff;
			}
		};
		assertThatIOException().isThrownBy(() -> store().append("u4", 0, dropping));
		long staged = store().staged("u4");
		assertThat(staged).isBetween(0L, (long) DatabaseBlobStore.CHUNK_SIZE + 100);
		assertThat(readAll(store().readStaged("u4"))).isEqualTo(Arrays.copyOf(content, (int) staged));
		store().append("u4", staged, new ByteArrayInputStream(content, (int) staged, content.length - (int) staged));
		store().publish("u4", HASH);
		assertThat(readAll(store().read(HASH, 0))).isEqualTo(content);
	}

	@Test
	void anEmptyBlobExistsOncePublished() throws IOException {
		store().append("u5", 0, InputStream.nullInputStream());
		store().publish("u5", HASH);
		assertThat(store().contains(HASH)).isTrue();
		assertThat(readAll(store().read(HASH, 0))).isEmpty();
	}

	@Test
	void discardedUploadsAndDeletedBlobsLeaveNothing() throws IOException {
		store().append("u6", 0, new ByteArrayInputStream(bytes(100, 6)));
		store().discard("u6");
		store().discard("never-started");
		assertThat(store().staged("u6")).isZero();
		store().append("u7", 0, new ByteArrayInputStream(bytes(100, 7)));
		store().publish("u7", HASH);
		store().delete(HASH);
		store().delete(HASH);
		assertThat(store().contains(HASH)).isFalse();
		assertThatIOException().isThrownBy(() -> store().read(HASH, 0));
	}

	@Test
	void namesThatAreNotHashesOrKeysAreRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> store().contains("../etc"));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> store().staged("../x"));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> store().read("A".repeat(64), 0));
	}

}
