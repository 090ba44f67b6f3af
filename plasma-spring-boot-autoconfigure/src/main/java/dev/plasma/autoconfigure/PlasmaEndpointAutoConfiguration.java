package dev.plasma.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.plasma.actuate.PlasmaEndpoint;
import dev.plasma.blob.BlobCollector;
import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.compaction.CompactionJob;
import dev.plasma.replica.ReplicaLag;

/**
 * The {@code plasma} actuator endpoint, when Spring Boot Actuator is present and the endpoint is
 * available (enabled and exposed, for example with
 * {@code management.endpoints.web.exposure.include=health,plasma}).
 */
@AutoConfiguration(after = { PlasmaCompactionAutoConfiguration.class, PlasmaBlobsAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ChangeLogStatusReader.class)
public final class PlasmaEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	PlasmaEndpoint plasmaEndpoint(ChangeLogStatusReader statusReader, ObjectProvider<CompactionJob> compactionJob,
			ObjectProvider<BlobCollector> blobCollector, PlasmaProperties properties,
			ObjectProvider<ReplicaLag> replicaLag) {
		PlasmaEndpoint endpoint = new PlasmaEndpoint(statusReader, compactionJob.getIfAvailable(),
				blobCollector.getIfAvailable());
		endpoint.setRawWritesRegion(properties.getRegion().getDefaultRegionForRawWrites());
		endpoint.setReplicaLag(replicaLag.getIfAvailable());
		return endpoint;
	}

}
