package dev.plasma.testsupport;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a database suite only for the databases listed in the system property
 * {@code plasma.test.databases} (default: all three). A listed database that is unreachable fails;
 * only an explicit list can leave one out.
 */
public class DatabaseSelection implements ExecutionCondition {

	/** Name of the system property listing the databases to test. */
	public static final String PROPERTY = "plasma.test.databases";

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		Class<?> testClass = context.getTestClass().orElse(null);
		if (testClass == null) {
			return ConditionEvaluationResult.enabled("no test class");
		}
		OnDatabase onDatabase = testClass.getAnnotation(OnDatabase.class);
		if (onDatabase == null) {
			return ConditionEvaluationResult.enabled("not database specific");
		}
		Set<String> selected = selected();
		String id = onDatabase.value().id();
		return selected.contains(id) ? ConditionEvaluationResult.enabled(id + " selected")
				: ConditionEvaluationResult.disabled(id + " not in -D" + PROPERTY + "=" + String.join(",", selected));
	}

	/**
	 * Returns the selected database ids.
	 * @return the ids
	 */
	public static Set<String> selected() {
		String value = System.getProperty(PROPERTY, "");
		if (value.isBlank() || value.startsWith("${")) {
			value = "h2,postgresql,mariadb";
		}
		return Arrays.stream(value.split(","))
			.map((id) -> id.trim().toLowerCase(Locale.ROOT))
			.filter((id) -> !id.isEmpty())
			.collect(Collectors.toCollection(java.util.LinkedHashSet::new));
	}

}
