package dev.plasma.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import dev.plasma.blob.BlobStore;
import dev.plasma.blob.S3BlobStore;
import dev.plasma.schema.PlasmaConfigurationException;

/**
 * Auto-configuration of the S3 blob store ({@code plasma.blobs.store=s3}, {@code plasma.blobs.s3.*}), when
 * the AWS SDK's S3 client is on the classpath: an {@link S3Client} (unless the application declares one)
 * and an {@link S3BlobStore} on it (unless the application declares its own {@link BlobStore}).
 * Credentials come from {@code access-key-id} and {@code secret-access-key}, else from the SDK's default
 * chain; the region likewise.
 */
@AutoConfiguration(before = PlasmaBlobsAutoConfiguration.class)
@ConditionalOnClass(S3Client.class)
@ConditionalOnProperty(name = "plasma.blobs.store", havingValue = "s3")
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaS3BlobsAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	S3Client plasmaS3Client(PlasmaProperties properties) {
		PlasmaProperties.Blobs.S3 s3 = properties.getBlobs().getS3();
		S3ClientBuilder builder = S3Client.builder().forcePathStyle(s3.isPathStyleAccess());
		if (s3.getRegion() != null && !s3.getRegion().isBlank()) {
			builder.region(Region.of(s3.getRegion()));
		}
		if (s3.getEndpointOverride() != null) {
			builder.endpointOverride(s3.getEndpointOverride());
		}
		boolean keyId = s3.getAccessKeyId() != null && !s3.getAccessKeyId().isBlank();
		boolean secret = s3.getSecretAccessKey() != null && !s3.getSecretAccessKey().isBlank();
		if (keyId != secret) {
			throw new PlasmaConfigurationException(
					"Plasma: set both plasma.blobs.s3.access-key-id and plasma.blobs.s3.secret-access-key, or neither "
							+ "(the SDK's default credentials chain).");
		}
		builder.credentialsProvider(keyId
				? StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.getAccessKeyId(), s3.getSecretAccessKey()))
				: DefaultCredentialsProvider.builder().build());
		if (s3.isChecksumsWhenRequired()) {
			builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
				.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
		}
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	BlobStore plasmaBlobStore(S3Client s3Client, PlasmaProperties properties) {
		PlasmaProperties.Blobs.S3 s3 = properties.getBlobs().getS3();
		if (s3.getBucket() == null || s3.getBucket().isBlank()) {
			throw new PlasmaConfigurationException(
					"Plasma: plasma.blobs.store=s3 needs plasma.blobs.s3.bucket, the bucket to keep blobs in.");
		}
		long partSize = s3.getPartSize().toBytes();
		if (partSize < S3BlobStore.MIN_PART_SIZE || partSize > Integer.MAX_VALUE - 8) {
			throw new PlasmaConfigurationException("Plasma: plasma.blobs.s3.part-size must be at least 5MB (S3's smallest "
					+ "multipart part) and below 2GB, not " + s3.getPartSize() + ".");
		}
		String prefix = (s3.getPrefix() != null) ? s3.getPrefix() : "";
		return new S3BlobStore(s3Client, s3.getBucket(), prefix, (int) partSize);
	}

}
