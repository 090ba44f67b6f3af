package dev.plasma.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.plasma.actuate.PlasmaHealthIndicator;
import dev.plasma.capture.CaptureTriggerCheck;
import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.replica.ReplicaLag;
import dev.plasma.schema.SyncedTables;

/**
 * The {@code plasma} health indicator, when Spring Boot's health module is present and
 * {@code management.health.plasma.enabled} is not {@code false}; DOWN when a synced table lost its capture
 * triggers, or after {@code plasma.health.sequencer-stuck-after} without sequencing. With a read replica it
 * also reports the replica's lag (never DOWN for it).
 */
@AutoConfiguration(after = PlasmaCompactionAutoConfiguration.class)
@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ChangeLogStatusReader.class)
@ConditionalOnEnabledHealthIndicator("plasma")
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CaptureTriggerCheck plasmaCaptureTriggerCheck(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, SyncedTables tables) {
		return new CaptureTriggerCheck(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource), dialect,
				tables);
	}

	@Bean
	@ConditionalOnMissingBean(name = "plasmaHealthIndicator")
	PlasmaHealthIndicator plasmaHealthIndicator(ChangeLogStatusReader statusReader, CaptureTriggerCheck captureCheck,
			PlasmaProperties properties, ObjectProvider<ReplicaLag> replicaLag) {
		PlasmaHealthIndicator indicator = new PlasmaHealthIndicator(statusReader, captureCheck,
				properties.getHealth().getSequencerStuckAfter());
		indicator.setRawWritesRegion(properties.getRegion().getDefaultRegionForRawWrites());
		indicator.setReplicaLag(replicaLag.getIfAvailable());
		return indicator;
	}

}
