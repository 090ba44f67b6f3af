package dev.plasma.autoconfigure;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.plasma.blob.BlobStore;
import dev.plasma.blob.S3BlobStore;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.testsupport.S3ProxyServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PlasmaS3BlobsAutoConfiguration}: only with {@code plasma.blobs.store=s3} and the SDK present, a
 * client built from {@code plasma.blobs.s3.*} that reaches the bucket, validation, and back-off for the
 * application's own client and store.
 */
class PlasmaS3BlobsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlasmaS3BlobsAutoConfiguration.class));

	private static String[] reachable(String bucket) {
		String[] properties = S3ProxyServer.get().storeProperties(bucket);
		String[] withPrefix = java.util.Arrays.copyOf(properties, properties.length + 1);
		withPrefix[properties.length] = "plasma.blobs.s3.prefix=p/";
		return withPrefix;
	}

	@Test
	void nothingIsConfiguredUnlessTheS3StoreIsSelected() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(S3Client.class).doesNotHaveBean(BlobStore.class));
		this.runner.withPropertyValues("plasma.blobs.store=filesystem")
			.run((context) -> assertThat(context).doesNotHaveBean(S3Client.class).doesNotHaveBean(BlobStore.class));
		this.runner.withPropertyValues("plasma.blobs.store=s3", "plasma.blobs.s3.bucket=b")
			.withClassLoader(new FilteredClassLoader(S3Client.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BlobStore.class));
	}

	@Test
	void theConfiguredClientReachesTheBucketUnderThePrefix() {
		String bucket = S3ProxyServer.get().createBucket();
		this.runner.withPropertyValues(reachable(bucket)).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(S3Client.class);
			BlobStore store = context.getBean(BlobStore.class);
			assertThat(store).isInstanceOf(S3BlobStore.class);
			store.append("k", 0, new java.io.ByteArrayInputStream(new byte[] { 1, 2, 3 }));
			store.publish("k", "b".repeat(64));
			try (InputStream in = store.read("b".repeat(64), 1)) {
				assertThat(in.readAllBytes()).containsExactly(2, 3);
			}
			assertThat(S3ProxyServer.get().keys(bucket)).containsExactly("p/blobs/" + "b".repeat(64));
		});
	}

	@Test
	void settingsThatCannotWorkStopTheApplication() {
		this.runner.withPropertyValues("plasma.blobs.store=s3", "plasma.blobs.s3.region=eu-west-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("needs plasma.blobs.s3.bucket"));
		this.runner.withPropertyValues("plasma.blobs.store=s3", "plasma.blobs.s3.bucket=b", "plasma.blobs.s3.region=eu-west-1",
				"plasma.blobs.s3.part-size=1MB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("plasma.blobs.s3.part-size must be at least 5MB"));
		this.runner.withPropertyValues("plasma.blobs.store=s3", "plasma.blobs.s3.bucket=b", "plasma.blobs.s3.region=eu-west-1",
				"plasma.blobs.s3.access-key-id=only-the-id")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("set both plasma.blobs.s3.access-key-id and plasma.blobs.s3.secret-access-key"));
	}

	@Test
	void theApplicationsClientAndStoreWin() {
		String bucket = S3ProxyServer.get().createBucket();
		try (S3Client own = S3ProxyServer.get().client()) {
			this.runner.withPropertyValues("plasma.blobs.store=s3", "plasma.blobs.s3.bucket=" + bucket)
				.withBean("ownClient", S3Client.class, () -> own, (definition) -> definition.setDestroyMethodName(""))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(S3Client.class)).isSameAs(own);
					assertThat(context.getBean(BlobStore.class).contains("c".repeat(64))).isFalse();
				});
		}
		BlobStore mine = new BlobStore() {
			@Override
			public long append(String uploadKey, long offset, InputStream bytes) {
				return 0;
			}

			@Override
			public long staged(String uploadKey) {
				return 0;
			}

			@Override
			public InputStream readStaged(String uploadKey) {
				return InputStream.nullInputStream();
			}

			@Override
			public void publish(String uploadKey, String hash) {
			}

			@Override
			public void discard(String uploadKey) {
			}

			@Override
			public InputStream read(String hash, long offset) throws IOException {
				throw new IOException("none");
			}

			@Override
			public boolean contains(String hash) {
				return false;
			}

			@Override
			public void delete(String hash) {
			}
		};
		this.runner.withPropertyValues("plasma.blobs.store=s3", "plasma.blobs.s3.bucket=b", "plasma.blobs.s3.region=eu-west-1")
			.withBean(BlobStore.class, () -> mine)
			.run((context) -> assertThat(context).hasNotFailed().getBean(BlobStore.class).isSameAs(mine));
	}

}
