package dev.plasma.autoconfigure;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.clients.ClientGroups;
import dev.plasma.metrics.MicrometerSyncObserver;
import dev.plasma.blob.BlobTable;
import dev.plasma.metrics.BlobMetrics;
import dev.plasma.metrics.PlasmaMetrics;
import dev.plasma.sync.SyncObserver;

/**
 * Micrometer metrics for Plasma when the application has a {@link MeterRegistry}: the
 * {@link PlasmaMetrics} binder (names listed there) and a {@link SyncObserver} that feeds it. The push
 * and pull processors tell every {@link SyncObserver} bean, so an application's own observers come in
 * addition to this one.
 */
@AutoConfiguration(before = PlasmaAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean({ DataSource.class, MeterRegistry.class })
public final class PlasmaMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PlasmaMetrics plasmaMetrics(ObjectProvider<ChangeLogStatusReader> statusReader,
			ObjectProvider<ClientGroups> clientGroups, PlasmaProperties properties) {
		PlasmaMetrics metrics = new PlasmaMetrics(statusReader::getIfAvailable, clientGroups::getIfAvailable);
		metrics.setRawWritesRegion(properties.getRegion().getDefaultRegionForRawWrites());
		return metrics;
	}

	@Bean
	@ConditionalOnMissingBean
	MicrometerSyncObserver plasmaMicrometerSyncObserver(PlasmaMetrics metrics) {
		return new MicrometerSyncObserver(metrics);
	}

	@Bean
	@ConditionalOnMissingBean
	BlobMetrics plasmaBlobMetrics(ObjectProvider<BlobTable> blobTable) {
		return new BlobMetrics(blobTable::getIfAvailable);
	}

}
