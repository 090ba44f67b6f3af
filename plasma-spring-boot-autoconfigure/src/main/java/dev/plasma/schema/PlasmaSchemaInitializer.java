package dev.plasma.schema;

import javax.sql.DataSource;

import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

/**
 * Creates and upgrades Plasma's own tables by running its namespaced Liquibase changelog with its own
 * history tables, so that the application's migrations and Liquibase auto-configuration are untouched.
 * <p>
 * Deliberately not a {@link SpringLiquibase} bean: Spring Boot's Liquibase auto-configuration backs off
 * when one exists, which would silently stop the application's own changelog.
 */
public class PlasmaSchemaInitializer implements InitializingBean {

	/** Location of Plasma's changelog, for applications that include it in their own. */
	public static final String CHANGELOG = "classpath:db/changelog/plasma/plasma-changelog.xml";

	/** Liquibase history table used by Plasma's own initializer. */
	public static final String HISTORY_TABLE = "_plasma_databasechangelog";

	/** Liquibase lock table used by Plasma's own initializer. */
	public static final String LOCK_TABLE = "_plasma_databasechangeloglock";

	private final DataSource dataSource;

	private final ResourceLoader resourceLoader;

	public PlasmaSchemaInitializer(DataSource dataSource) {
		this(dataSource, new DefaultResourceLoader(PlasmaSchemaInitializer.class.getClassLoader()));
	}

	public PlasmaSchemaInitializer(DataSource dataSource, ResourceLoader resourceLoader) {
		this.dataSource = dataSource;
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void afterPropertiesSet() throws Exception {
		initialize();
	}

	/**
	 * Runs Plasma's changelog; change sets already applied are skipped.
	 * @throws Exception when Liquibase fails
	 */
	public void initialize() throws Exception {
		SpringLiquibase liquibase = new SpringLiquibase();
		liquibase.setDataSource(this.dataSource);
		liquibase.setChangeLog(CHANGELOG);
		liquibase.setDatabaseChangeLogTable(HISTORY_TABLE);
		liquibase.setDatabaseChangeLogLockTable(LOCK_TABLE);
		liquibase.setResourceLoader(this.resourceLoader);
		liquibase.setShouldRun(true);
		liquibase.afterPropertiesSet();
	}

}
