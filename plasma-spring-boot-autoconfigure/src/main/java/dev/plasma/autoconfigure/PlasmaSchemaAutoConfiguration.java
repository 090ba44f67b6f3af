package dev.plasma.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

import dev.plasma.schema.PlasmaSchemaInitializer;

/**
 * Auto-configuration that creates Plasma's tables with its own Liquibase changelog and history tables,
 * after the application's own migrations (see {@link PlasmaSchemaInitializerDetector}).
 */
@AutoConfiguration(before = PlasmaAutoConfiguration.class,
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(name = "plasma.schema.initialize", havingValue = "always", matchIfMissing = true)
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaSchemaAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PlasmaSchemaInitializer plasmaSchemaInitializer(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, ResourceLoader resourceLoader) {
		return new PlasmaSchemaInitializer(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource),
				resourceLoader);
	}

}
