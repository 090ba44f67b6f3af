package dev.plasma.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.plasma.actuate.PlasmaHealthIndicator;
import dev.plasma.changelog.ChangeLogStatusReader;

/**
 * The {@code plasma} health indicator, when Spring Boot's health module is present and
 * {@code management.health.plasma.enabled} is not {@code false}; DOWN after
 * {@code plasma.health.sequencer-stuck-after} without sequencing.
 */
@AutoConfiguration(after = PlasmaCompactionAutoConfiguration.class)
@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ChangeLogStatusReader.class)
@ConditionalOnEnabledHealthIndicator("plasma")
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "plasmaHealthIndicator")
	PlasmaHealthIndicator plasmaHealthIndicator(ChangeLogStatusReader statusReader, PlasmaProperties properties) {
		return new PlasmaHealthIndicator(statusReader, properties.getHealth().getSequencerStuckAfter());
	}

}
