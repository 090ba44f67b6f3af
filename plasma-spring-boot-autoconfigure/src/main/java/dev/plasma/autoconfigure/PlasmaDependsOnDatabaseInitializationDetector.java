package dev.plasma.autoconfigure;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDependsOnDatabaseInitializationDetector;

import dev.plasma.capture.CaptureInstaller;
import dev.plasma.schema.SyncedTables;

/**
 * Makes the beans that install triggers wait for every database initializer: the application's
 * migrations (which create the synced tables) and Plasma's own schema.
 */
class PlasmaDependsOnDatabaseInitializationDetector extends AbstractBeansOfTypeDependsOnDatabaseInitializationDetector {

	@Override
	protected Set<Class<?>> getDependsOnDatabaseInitializationBeanTypes() {
		return Set.of(CaptureInstaller.class, SyncedTables.class);
	}

}
