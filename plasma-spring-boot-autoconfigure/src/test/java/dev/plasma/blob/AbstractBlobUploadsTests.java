package dev.plasma.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

import dev.plasma.blob.UploadRefusedException.Reason;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.S3ProxyServer;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Uploads on one database, with the database store, the directory store and the S3 store (on S3Proxy):
 * verified blobs become present, every bad input is refused leaving nothing behind, a dropped body resumes
 * from its offset, concurrent uploads of one hash store one copy, and abandoned uploads expire.
 */
public abstract class AbstractBlobUploadsTests {

	private static final long MAX = 1024 * 1024;

	protected abstract TestDatabase database();

	@TempDir
	Path directory;

	private HikariDataSource dataSource;

	private BlobTable table;

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final List<String> outcomes = new CopyOnWriteArrayList<>();

	private BlobStore store;

	private BlobUploads uploads;

	@BeforeEach
	void setUp() {
		this.dataSource = database().create(12);
		new PlasmaFixture(this.dataSource);
		this.table = new BlobTable(this.dataSource);
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
		if (this.s3 != null) {
			this.s3.close();
		}
	}

	private String bucket;

	private S3Client s3;

	private void use(String store) throws IOException {
		this.store = switch (store) {
			case "database" -> new DatabaseBlobStore(this.dataSource);
			case "filesystem" -> new FileSystemBlobStore(this.directory);
			default -> {
				this.s3 = S3ProxyServer.get().client();
				this.bucket = S3ProxyServer.get().createBucket();
				yield new S3BlobStore(this.s3, this.bucket, "", S3BlobStore.MIN_PART_SIZE);
			}
		};
		List<FileColumn> columns = List.of(new FileColumn("todo", "attachment", 300_000, List.of("image/*", "text/plain"), true),
				new FileColumn("todo", "document", MAX, List.of("application/pdf"), true));
		this.uploads = new BlobUploads(this.store, this.table, columns, MAX, this.now::get, new BlobListener() {
			@Override
			public void uploaded(String outcome) {
				AbstractBlobUploadsTests.this.outcomes.add(outcome);
			}
		});
	}

	static String sha256(byte[] bytes) {
		return HexFormat.of().formatHex(BlobHashes.sha256().digest(bytes));
	}

	private byte[] stored(String hash) throws IOException {
		try (InputStream in = this.store.read(hash, 0)) {
			return in.readAllBytes();
		}
	}

	private void assertNothingStays(String hash) throws IOException {
		assertThat(this.table.find(hash)).isEmpty();
		assertThat(this.store.contains(hash)).isFalse();
		assertThat(this.store.staged(BlobUploads.key(hash))).isZero();
		if (this.bucket != null) {
			assertThat(S3ProxyServer.get().keys(this.bucket)).isEmpty();
		}
	}

	private UploadRefusedException refusal(Runnable upload) {
		UploadRefusedException[] caught = new UploadRefusedException[1];
		assertThatExceptionOfType(UploadRefusedException.class).isThrownBy(upload::run)
			.satisfies((ex) -> caught[0] = ex);
		return caught[0];
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void bytesThatHashToTheNameBecomeAPresentBlob(String storeType) throws IOException {
		use(storeType);
		byte[] content = AbstractBlobStoreTests.bytes(280_000, 1);
		String hash = sha256(content);
		UploadProgress progress = this.uploads.put("alice", hash, "image/png", content.length, new ByteArrayInputStream(content));
		assertThat(progress).isEqualTo(new UploadProgress(BlobState.PRESENT, content.length, content.length, true));
		assertThat(stored(hash)).isEqualTo(content);
		assertThat(this.table.find(hash).get()).extracting(BlobRecord::state, BlobRecord::uploader, BlobRecord::mime)
			.containsExactly(BlobState.PRESENT, "alice", "image/png");
		assertThat(this.outcomes).containsExactly("STORED");
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void bytesThatHashToAnotherNameAreRefusedAndNothingStays(String storeType) throws IOException {
		use(storeType);
		byte[] content = AbstractBlobStoreTests.bytes(1000, 2);
		String hash = sha256(AbstractBlobStoreTests.bytes(1000, 3));
		assertThat(refusal(() -> this.uploads.put("alice", hash, "text/plain", 1000, new ByteArrayInputStream(content)))
			.reason()).isEqualTo(Reason.HASH_MISMATCH);
		assertNothingStays(hash);
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void aNameThatIsNotASha256IsRefused(String storeType) throws IOException {
		use(storeType);
		for (String name : List.of("abc", "A".repeat(64), "g".repeat(64), "../" + "a".repeat(61))) {
			assertThat(refusal(() -> this.uploads.put("alice", name, "text/plain", 1, new ByteArrayInputStream(new byte[1])))
				.reason()).isEqualTo(Reason.BAD_HASH);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void oversizedUploadsAreRefusedAndNothingStays(String storeType) throws IOException {
		use(storeType);
		byte[] content = AbstractBlobStoreTests.bytes(300_001, 4);
		String hash = sha256(content);
		assertThat(refusal(() -> this.uploads.put("alice", hash, "image/png", content.length, new ByteArrayInputStream(content)))
			.reason()).isEqualTo(Reason.TOO_LARGE);
		assertThat(refusal(() -> this.uploads.put("alice", hash, "application/pdf", MAX + 1, new ByteArrayInputStream(content)))
			.reason()).isEqualTo(Reason.TOO_LARGE);
		assertThat(refusal(() -> this.uploads.put("alice", hash, "image/png", 1000, new ByteArrayInputStream(content)))
			.reason()).isEqualTo(Reason.TOO_LARGE);
		assertNothingStays(hash);
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void aTypeNoFileColumnAcceptsIsRefused(String storeType) throws IOException {
		use(storeType);
		byte[] content = AbstractBlobStoreTests.bytes(10, 5);
		String hash = sha256(content);
		assertThat(refusal(() -> this.uploads.put("alice", hash, "application/x-msdownload", 10, new ByteArrayInputStream(content)))
			.reason()).isEqualTo(Reason.TYPE_NOT_ALLOWED);
		assertNothingStays(hash);
		assertThat(this.uploads.put("alice", hash, "IMAGE/Webp; q=1", 10, new ByteArrayInputStream(content)).complete()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void aPresentBlobIsAcceptedAgainWithoutStoringItAndAnotherUserWhoseBytesMatchBecomesAnUploader(String storeType)
			throws IOException {
		use(storeType);
		byte[] content = AbstractBlobStoreTests.bytes(100, 6);
		String hash = sha256(content);
		this.uploads.put("alice", hash, "text/plain", 100, new ByteArrayInputStream(content));
		InputStream unread = new InputStream() {
			@Override
			public int read() throws IOException {
				throw new IOException("the body of a duplicate is not read");
			}
		};
		assertThat(this.uploads.put("alice", hash, "text/plain", 100, unread))
			.isEqualTo(new UploadProgress(BlobState.PRESENT, 100, 100, false));
		assertThat(this.table.uploadedBy(hash, "bob")).isFalse();
		assertThat(refusal(() -> this.uploads.put("bob", hash, "text/plain", 100,
				new ByteArrayInputStream(AbstractBlobStoreTests.bytes(100, 60)))).reason())
			.as("knowing the hash is not enough").isEqualTo(Reason.HASH_MISMATCH);
		assertThat(this.table.uploadedBy(hash, "bob")).isFalse();
		assertThat(this.uploads.put("bob", hash, "text/plain", 100, new ByteArrayInputStream(content)))
			.isEqualTo(new UploadProgress(BlobState.PRESENT, 100, 100, false));
		assertThat(this.table.uploadedBy(hash, "bob")).isTrue();
		assertThat(this.table.uploadedBy(hash, "alice")).isTrue();
		assertThat(stored(hash)).isEqualTo(content);
		assertThat(this.outcomes).containsExactly("STORED", "DEDUPLICATED", "HASH_MISMATCH", "DEDUPLICATED");
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void aDroppedUploadResumesFromTheOffsetHeadReports(String storeType) throws IOException {
		use(storeType);
		byte[] content = AbstractBlobStoreTests.bytes(DatabaseBlobStore.CHUNK_SIZE + 5000, 7);
		String hash = sha256(content);
		InputStream dropping = new InputStream() {
			private int position;

			@Override
			public int read() throws IOException {
				if (this.position == DatabaseBlobStore.CHUNK_SIZE + 10) {
					throw new IOException("connection reset");
				}
				return content[this.position++] & 0xff;
			}
		};
		assertThat(refusal(() -> this.uploads.put("alice", hash, "image/png", content.length, dropping)).reason())
			.isEqualTo(Reason.BROKEN_OFF);
		UploadProgress head = this.uploads.head("alice", hash).orElseThrow();
		assertThat(head.state()).isEqualTo(BlobState.UPLOADING);
		int offset = (int) head.offset();
		assertThat(this.uploads.head("bob", hash)).isEmpty();
		assertThat(refusal(() -> this.uploads.patch("bob", hash, offset, InputStream.nullInputStream())).reason())
			.isEqualTo(Reason.NOT_FOUND);
		UploadRefusedException wrongOffset = refusal(() -> this.uploads.patch("alice", hash, offset + 1,
				new ByteArrayInputStream(content, offset + 1, 10)));
		assertThat(wrongOffset.reason()).isEqualTo(Reason.OFFSET_MISMATCH);
		assertThat(wrongOffset.offset()).isEqualTo(offset);
		assertThat(refusal(() -> this.uploads.put("bob", hash, "image/png", content.length, new ByteArrayInputStream(content)))
			.reason()).isEqualTo(Reason.IN_PROGRESS);
		UploadProgress partial = this.uploads.patch("alice", hash, offset, new ByteArrayInputStream(content, offset, 1000));
		assertThat(partial).isEqualTo(new UploadProgress(BlobState.UPLOADING, offset + 1000, content.length, false));
		UploadProgress done = this.uploads.patch("alice", hash, offset + 1000,
				new ByteArrayInputStream(content, offset + 1000, content.length - offset - 1000));
		assertThat(done.complete()).isTrue();
		assertThat(stored(hash)).isEqualTo(content);
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void concurrentUploadsOfOneHashStoreOneCopy(String storeType) throws Exception {
		use(storeType);
		byte[] content = AbstractBlobStoreTests.bytes(DatabaseBlobStore.CHUNK_SIZE + 1, 8);
		String hash = sha256(content);
		int threads = 8;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		List<Future<String>> results = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			String user = "user" + i;
			results.add(pool.submit(() -> {
				start.await();
				try {
					UploadProgress progress = this.uploads.put(user, hash, "image/png", content.length,
							new ByteArrayInputStream(content));
					return progress.stored() ? "stored" : "present";
				}
				catch (UploadRefusedException ex) {
					return ex.reason().name();
				}
			}));
		}
		start.countDown();
		List<String> outcomes = new ArrayList<>();
		for (Future<String> result : results) {
			outcomes.add(result.get());
		}
		pool.shutdown();
		assertThat(outcomes).filteredOn("stored"::equals).hasSize(1);
		assertThat(outcomes).allMatch((outcome) -> List.of("stored", "present", "IN_PROGRESS").contains(outcome));
		assertThat(stored(hash)).isEqualTo(content);
		assertThat(this.table.count(BlobState.PRESENT)).isOne();
		if ("filesystem".equals(storeType)) {
			try (var files = Files.walk(this.directory)) {
				assertThat(files.filter(Files::isRegularFile).toList()).hasSize(1);
			}
		}
		else if ("s3".equals(storeType)) {
			assertThat(S3ProxyServer.get().keys(this.bucket)).containsExactly("blobs/" + hash);
		}
		else {
			assertThat(new org.springframework.jdbc.core.JdbcTemplate(this.dataSource)
				.queryForObject("SELECT COUNT(DISTINCT blob_key) FROM _plasma_blob_chunks", Long.class)).isOne();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void uploadsRestingLongerThanTheExpiryAreRemoved(String storeType) throws IOException {
		use(storeType);
		byte[] content = AbstractBlobStoreTests.bytes(100, 9);
		String hash = sha256(content);
		this.uploads.put("alice", hash, "text/plain", 100, new ByteArrayInputStream(content, 0, 50));
		assertThat(this.store.staged(BlobUploads.key(hash))).isEqualTo(50);
		this.now.addAndGet(Duration.ofHours(23).toMillis());
		assertThat(this.uploads.expireUploads(Duration.ofHours(24), 100)).isZero();
		this.now.addAndGet(Duration.ofHours(2).toMillis());
		assertThat(this.uploads.expireUploads(Duration.ofHours(24), 100)).isOne();
		assertNothingStays(hash);
		assertThat(this.uploads.put("alice", hash, "text/plain", 100, new ByteArrayInputStream(content)).complete()).isTrue();
	}

}
