package dev.plasma.autoconfigure;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

import dev.plasma.schema.PlasmaSchemaInitializer;

/**
 * Detects {@link PlasmaSchemaInitializer} beans as database initializers, ordered after the detectors of
 * the application's own migrations (Liquibase, Flyway, SQL scripts) so that Plasma's tables are created
 * once the application's exist.
 */
class PlasmaSchemaInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(PlasmaSchemaInitializer.class);
	}

	@Override
	public int getOrder() {
		return 100;
	}

}
