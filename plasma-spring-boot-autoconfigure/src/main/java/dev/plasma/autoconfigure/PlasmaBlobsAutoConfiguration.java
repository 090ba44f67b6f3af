package dev.plasma.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.plasma.access.ReadRules;
import dev.plasma.blob.BlobAccess;
import dev.plasma.blob.BlobCollectionScheduler;
import dev.plasma.blob.BlobCollector;
import dev.plasma.blob.BlobListener;
import dev.plasma.blob.BlobMutationCheck;
import dev.plasma.blob.BlobReferenceTracker;
import dev.plasma.blob.BlobStore;
import dev.plasma.blob.BlobTable;
import dev.plasma.blob.BlobUploads;
import dev.plasma.blob.DatabaseBlobStore;
import dev.plasma.blob.FileColumns;
import dev.plasma.blob.FileSystemBlobStore;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.compaction.LeaseLock;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.schema.SyncedTables;

/**
 * Auto-configuration of files and blobs ({@code plasma.blobs.*}, {@code plasma.tables.<t>.files.<column>}):
 * the {@link BlobStore} (the database unless {@code plasma.blobs.store=filesystem}, an S3 bucket with
 * {@code plasma.blobs.store=s3} from {@link PlasmaS3BlobsAutoConfiguration}, or the application's own bean), the file columns checked against the database at start-up, uploads, the download check, and
 * the references derived from the change log after every sequencer batch, the check that keeps mutations
 * from claiming blobs or replacing immutable files, and the collection of orphaned
 * blobs and abandoned uploads on Plasma's scheduler ({@code plasma.blobs.gc-cron}) under the lease
 * {@code blob-gc}.
 */
@AutoConfiguration(after = PlasmaAutoConfiguration.class)
@ConditionalOnBean({ SyncedTables.class, ChangeLog.class, ReadRules.class, PlasmaDialect.class })
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaBlobsAutoConfiguration {

	/**
	 * How long a collection lease lasts without renewal; renewed before every batch.
	 */
	private static final Duration LEASE = Duration.ofMinutes(5);

	private static int positive(int value, String property) {
		if (value < 1) {
			throw new PlasmaConfigurationException("Plasma: " + property + " must be at least 1, not " + value + ".");
		}
		return value;
	}

	private static BlobListener listener(ObjectProvider<BlobListener> listeners) {
		return BlobListener.composite(listeners.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	BlobStore plasmaBlobStore(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaProperties properties) throws IOException {
		PlasmaProperties.Blobs blobs = properties.getBlobs();
		if (blobs.getStore() == PlasmaProperties.Blobs.Store.S3) {
			throw new PlasmaConfigurationException(
					"Plasma: plasma.blobs.store=s3 needs the AWS SDK's S3 client (software.amazon.awssdk:s3) on the classpath.");
		}
		if (blobs.getStore() == PlasmaProperties.Blobs.Store.FILESYSTEM) {
			if (blobs.getDirectory() == null || blobs.getDirectory().isBlank()) {
				throw new PlasmaConfigurationException(
						"Plasma: plasma.blobs.store=filesystem needs plasma.blobs.directory, the directory to keep blobs in.");
			}
			return new FileSystemBlobStore(Path.of(blobs.getDirectory()));
		}
		return new DatabaseBlobStore(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	BlobTable plasmaBlobTable(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource) {
		return new BlobTable(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	FileColumns plasmaFileColumns(PlasmaProperties properties, SyncedTables tables) {
		return FileColumns.resolve(TableDeclarations.fileColumns(properties), tables);
	}

	@Bean
	@ConditionalOnMissingBean
	BlobUploads plasmaBlobUploads(BlobStore store, BlobTable table, FileColumns columns, PlasmaProperties properties,
			ObjectProvider<BlobListener> listeners) {
		return new BlobUploads(store, table, columns.all(), properties.getBlobs().getMaxSize().toBytes(),
				System::currentTimeMillis, listener(listeners));
	}

	@Bean
	@ConditionalOnMissingBean
	BlobAccess plasmaBlobAccess(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, BlobStore store, BlobTable table, ReadRules rules,
			PlasmaProperties properties, ObjectProvider<BlobListener> listeners,
			ObjectProvider<BlobReferenceTracker> references) {
		BlobAccess access = new BlobAccess(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource), store,
				table, rules,
				positive(properties.getBlobs().getMaxReferencesChecked(), "plasma.blobs.max-references-checked"),
				listener(listeners));
		references.ifAvailable(access::setReferences);
		return access;
	}

	@Bean
	@ConditionalOnMissingBean
	BlobReferenceTracker plasmaBlobReferenceTracker(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, ChangeLog changeLog, FileColumns columns,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<BlobListener> listeners) {
		return new BlobReferenceTracker(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource),
				changeLog, columns, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				System::currentTimeMillis, listener(listeners));
	}

	@Bean
	@ConditionalOnMissingBean
	BlobCollector plasmaBlobCollector(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, BlobStore store, BlobTable table, BlobUploads uploads,
			BlobReferenceTracker tracker, PlasmaDialect dialect, PlasmaProperties properties,
			ObjectProvider<BlobListener> listeners) {
		DataSource source = PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource);
		PlasmaProperties.Blobs blobs = properties.getBlobs();
		return new BlobCollector(source, store, table, uploads, tracker,
				new LeaseLock(source, dialect, "blob-gc", LEASE), blobs.getOrphanGrace(), blobs.getUploadExpiry(),
				blobs.getGcBatchSize(), System::currentTimeMillis, listener(listeners));
	}

	@Bean
	@ConditionalOnMissingBean
	BlobCollectionScheduler plasmaBlobCollectionScheduler(BlobCollector collector, PlasmaProperties properties) {
		return new BlobCollectionScheduler(collector, properties.getBlobs().getGcCron());
	}

	@Bean
	@ConditionalOnMissingBean
	BlobMutationCheck plasmaBlobMutationCheck(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, FileColumns columns, BlobTable table,
			BlobAccess access, ObjectProvider<JsonMapper> jsonMapper) {
		return new BlobMutationCheck(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource), dialect, columns,
				table, access, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

}
