package dev.plasma.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.core.convert.converter.Converter;

/**
 * Lets a table be declared with an empty value, {@code plasma.tables.todos=} in properties or
 * {@code todos:} in YAML, meaning "synced with default settings". (Spring Boot's YAML loader drops an
 * empty map such as {@code todos: {}} before binding, so that form cannot be seen at all.)
 */
@ConfigurationPropertiesBinding
class TableDeclarationConverter implements Converter<String, PlasmaProperties.Table> {

	@Override
	public PlasmaProperties.Table convert(String source) {
		if (!source.isBlank()) {
			throw new IllegalArgumentException("a table declaration is either empty (synced) or a map such as "
					+ "{change-log-suppressed: true}, not '" + source + "'");
		}
		return new PlasmaProperties.Table();
	}

}
