package dev.plasma.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;

import dev.plasma.schema.PlasmaConfigurationException;

/**
 * Names {@code spring-boot-starter-liquibase} when a declared table does not exist and the likely cause is
 * that the application's own changelog never ran: the Liquibase library is on the classpath (Plasma's
 * starter brings it) but Spring Boot's Liquibase auto-configuration is not (since Spring Boot 4 it lives in
 * its own module, {@code spring-boot-liquibase}).
 * <p>
 * Ordered before {@link PlasmaConfigurationFailureAnalyzer}, which answers every other
 * {@link PlasmaConfigurationException}.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class MissingLiquibaseStarterFailureAnalyzer extends AbstractFailureAnalyzer<PlasmaConfigurationException> {

	static final String LIQUIBASE = "liquibase.Liquibase";

	static final String LIQUIBASE_AUTO_CONFIGURATION = "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration";

	private static final String MISSING_TABLE = "does not exist in the database";

	private final ClassLoader classLoader;

	public MissingLiquibaseStarterFailureAnalyzer() {
		this(MissingLiquibaseStarterFailureAnalyzer.class.getClassLoader());
	}

	MissingLiquibaseStarterFailureAnalyzer(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PlasmaConfigurationException cause) {
		String message = cause.getMessage();
		if (message == null || !message.contains(MISSING_TABLE) || !ClassUtils.isPresent(LIQUIBASE, this.classLoader)
				|| ClassUtils.isPresent(LIQUIBASE_AUTO_CONFIGURATION, this.classLoader)) {
			return null;
		}
		return new FailureAnalysis(message + " Liquibase is on the classpath but Spring Boot's Liquibase "
				+ "auto-configuration is not, so the application's own changelog did not run.",
				"Add the dependency org.springframework.boot:spring-boot-starter-liquibase: since Spring Boot 4, "
						+ "Liquibase's auto-configuration lives in its own module, and without it "
						+ "'spring.liquibase.*' and the application's changelog are silently ignored. If the table "
						+ "is created some other way (Flyway: spring-boot-starter-flyway), make sure that runs before "
						+ "Plasma starts.",
				cause);
	}

}
