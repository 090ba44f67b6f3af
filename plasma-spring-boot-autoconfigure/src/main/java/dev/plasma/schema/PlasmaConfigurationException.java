package dev.plasma.schema;

/**
 * Thrown at start-up when Plasma's configuration does not match the database, with a message that
 * names the table and the problem.
 */
public class PlasmaConfigurationException extends RuntimeException {

	public PlasmaConfigurationException(String message) {
		super(message);
	}

}
