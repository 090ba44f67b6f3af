package dev.plasma.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

import dev.plasma.access.GrantSourceDeclaration;
import dev.plasma.access.ReadRuleDeclaration;
import dev.plasma.blob.FileColumn;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.schema.TableDeclaration;

/**
 * Turns {@code plasma.tables} into {@link TableDeclaration}s, refusing a key under a table that no table
 * property knows: Spring Boot binds a map of beans leniently, so {@code change-log-supressed: true} would
 * silently be ignored and the table synced, the opposite of what was meant.
 */
final class TableDeclarations {

	private static final ConfigurationPropertyName TABLES = ConfigurationPropertyName.of("plasma.tables");

	private static final int TABLE_ELEMENT = 2;

	private TableDeclarations() {
	}

	/**
	 * Returns the declared tables, in declaration order.
	 * @param properties the bound properties
	 * @param environment the environment they were bound from
	 * @return the declarations
	 * @throws PlasmaConfigurationException naming the key and the known ones when a table's entry holds
	 * an unknown key
	 */
	static List<TableDeclaration> of(PlasmaProperties properties, Environment environment) {
		rejectUnknownKeys(environment);
		return properties.getTables()
			.entrySet()
			.stream()
			.map((entry) -> new TableDeclaration(entry.getKey(), entry.getValue().isChangeLogSuppressed(),
					readRule(entry.getKey(), entry.getValue()).scopeColumn()))
			.toList();
	}

	/**
	 * Returns the declared read rules, in declaration order.
	 * @param properties the bound properties
	 * @return the rules of the tables that have one
	 */
	static List<ReadRuleDeclaration> readRules(PlasmaProperties properties) {
		return properties.getTables()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().getRead() != null)
			.map((entry) -> readRule(entry.getKey(), entry.getValue()))
			.toList();
	}

	/**
	 * Returns the declared grant sources, grant by grant in declaration order.
	 * @param properties the bound properties
	 * @return the sources
	 */
	static List<GrantSourceDeclaration> grantSources(PlasmaProperties properties) {
		return properties.getAccess()
			.getGrants()
			.entrySet()
			.stream()
			.flatMap((grant) -> grant.getValue()
				.stream()
				.map((source) -> new GrantSourceDeclaration(grant.getKey(), source.getTable(), source.getValueColumn(),
						source.getUserColumn())))
			.toList();
	}

	/**
	 * Returns the declared file columns, in declaration order.
	 * @param properties the bound properties
	 * @return the file columns
	 */
	static List<FileColumn> fileColumns(PlasmaProperties properties) {
		return properties.getTables()
			.entrySet()
			.stream()
			.flatMap((table) -> table.getValue()
				.getFiles()
				.entrySet()
				.stream()
				.map((file) -> new FileColumn(table.getKey(), file.getKey(), file.getValue().getMaxSize().toBytes(),
						List.copyOf(file.getValue().getMimeTypes()), file.getValue().isImmutable())))
			.toList();
	}

	private static ReadRuleDeclaration readRule(String table, PlasmaProperties.Table declaration) {
		PlasmaProperties.Read read = declaration.getRead();
		return (read != null) ? new ReadRuleDeclaration(table, read.getColumn(), read.getGrant(), read.getUserColumn())
				: new ReadRuleDeclaration(table, null, null, null);
	}

	private static void rejectUnknownKeys(Environment environment) {
		Map<String, String> known = knownKeys();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(TABLES::isAncestorOf).stream().forEach((name) -> rejectIfUnknown(name, known));
			}
		}
	}

	private static void rejectIfUnknown(ConfigurationPropertyName name, Map<String, String> known) {
		if (name.getNumberOfElements() <= TABLE_ELEMENT + 1) {
			return;
		}
		int first = TABLE_ELEMENT + 1;
		String prefix = "";
		if ("files".equals(name.getElement(first, Form.UNIFORM)) && name.getNumberOfElements() > first + 2) {
			prefix = "files<column>";
			first += 2;
		}
		String key = prefix + IntStream.range(first, name.getNumberOfElements())
			.filter((i) -> !name.isNumericIndex(i))
			.mapToObj((i) -> name.getElement(i, Form.UNIFORM))
			.collect(Collectors.joining());
		if (!known.containsKey(key)) {
			throw new PlasmaConfigurationException("Plasma: unknown key '" + name + "' in the declaration of table '"
					+ name.getElement(TABLE_ELEMENT, Form.ORIGINAL) + "' under plasma.tables; the known keys are: "
					+ String.join(", ", known.values()) + ".");
		}
	}

	/**
	 * Returns the properties of a table declaration, by uniform name (lower case, no dashes), in dashed form.
	 */
	private static Map<String, String> knownKeys() {
		Map<String, String> known = new TreeMap<>();
		addKnownKeys(known, PlasmaProperties.Table.class, "");
		addKnownKeys(known, PlasmaProperties.Read.class, "read.");
		addKnownKeys(known, PlasmaProperties.File.class, "files.<column>.");
		return known;
	}

	private static void addKnownKeys(Map<String, String> known, Class<?> type, String prefix) {
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getWriteMethod() != null && property.getPropertyType() != PlasmaProperties.Read.class
					&& !Map.class.isAssignableFrom(property.getPropertyType())) {
				String dashed = prefix + DataObjectPropertyName.toDashedForm(property.getName());
				known.put(dashed.replace("-", "").replace(".", "").toLowerCase(Locale.ROOT), dashed);
			}
		}
	}

}
