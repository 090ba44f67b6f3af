package dev.plasma.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.plasma.schema.PlasmaConfigurationException;

/**
 * Turns a {@link PlasmaConfigurationException} at start-up into one clear message and an action.
 */
class PlasmaConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<PlasmaConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PlasmaConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the table's declaration under 'plasma.tables' (one key per table, only known keys) or the table itself "
						+ "(it must exist before Plasma starts, for example through the application's Liquibase or Flyway "
						+ "migrations, and have a primary key).",
				cause);
	}

}
