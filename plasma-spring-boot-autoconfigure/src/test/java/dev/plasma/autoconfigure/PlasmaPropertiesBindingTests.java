package dev.plasma.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@code plasma.*} value that cannot work stops the binding (and so the start) with the property's name
 * and the reason, instead of failing later or misbehaving.
 */
class PlasmaPropertiesBindingTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			plasma.pull.max-changes              | 0      | max-changes must be positive
			plasma.pull.max-bytes                | 0B     | max-bytes must be positive
			plasma.push.max-body-size            | 0B     | max-body-size must be positive
			plasma.web.max-push-body-size        | 0B     | max-push-body-size must be positive
			plasma.web.max-pull-body-size        | 0B     | max-pull-body-size must be positive
			plasma.push.max-mutations            | 0      | max-mutations must be positive
			plasma.web.connection-wait           | 0s     | connection-wait must be positive
			plasma.web.base-path                 | sync   | base-path must be a path starting with '/'
			plasma.sequencer.batch-size          | -1     | batch-size must be positive
			plasma.sequencer.poll-interval       | 0ms    | poll-interval must be positive
			plasma.compaction.batch-size         | 0      | batch-size must be positive
			plasma.compaction.batch-pause        | -5ms   | batch-pause must not be negative
			plasma.compaction.retention          | -1d    | retention must not be negative
			plasma.health.sequencer-stuck-after  | 0s     | sequencer-stuck-after must be positive
			plasma.base-path                     | plasma | base-path must be a path starting with '/'
			""")
	void aValueThatCannotWorkIsRefusedNamingTheProperty(String property, String value, String reason) {
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(property, value)));

		assertThatExceptionOfType(BindException.class).isThrownBy(() -> binder.bind("plasma", PlasmaProperties.class))
			.satisfies((ex) -> {
				assertThat(ex.getProperty().getName().toString()).isEqualTo(property);
				assertThat(org.springframework.core.NestedExceptionUtils.getMostSpecificCause(ex).getMessage()).contains(reason);
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			plasma.pull.max-changes        | 1
			plasma.compaction.batch-pause  | 0ms
			plasma.compaction.retention    | 0s
			plasma.base-path               | /sync/v1
			""")
	void boundaryValuesAreAccepted(String property, String value) {
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(property, value)));

		assertThat(binder.bind("plasma", PlasmaProperties.class).isBound()).isTrue();
	}

	@Test
	void regionPropertiesDefaultToRegionZeroAndRefuseIdsThatAreNotShortNames() {
		PlasmaProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
			.bindOrCreate("plasma", PlasmaProperties.class);
		PlasmaProperties set = new Binder(new MapConfigurationPropertySource(Map.of("plasma.region.id", "eu-west_1",
				"plasma.region.default-region-for-raw-writes", "eu-west_1", "plasma.region.takeover-after", "5s")))
			.bind("plasma", PlasmaProperties.class)
			.get();

		assertThat(defaults.getRegion().getId()).isEqualTo("0");
		assertThat(defaults.getRegion().getDefaultRegionForRawWrites()).isEqualTo("0");
		assertThat(defaults.getRegion().getTakeoverAfter()).isEqualTo(java.time.Duration.ofSeconds(30));
		assertThat(set.getRegion().getId()).isEqualTo("eu-west_1");
		assertThat(set.getRegion().getTakeoverAfter()).isEqualTo(java.time.Duration.ofSeconds(5));
		for (String bad : new String[] { "a b", "g", "x'--", "a".repeat(33) }) {
			org.assertj.core.api.Assertions
				.assertThatException()
				.isThrownBy(() -> new Binder(new MapConfigurationPropertySource(Map.of("plasma.region.id", bad)))
					.bind("plasma", PlasmaProperties.class))
				.withStackTraceContaining("plasma.region.id must be 1 to 32 characters");
		}
	}

	@Test
	void theOldNamesOfTheWebPropertiesStillBindAndTheNewNamesWin() {
		PlasmaProperties old = new Binder(new MapConfigurationPropertySource(
				Map.of("plasma.base-path", "/old", "plasma.push.max-body-size", "2MB")))
			.bind("plasma", PlasmaProperties.class)
			.get();
		PlasmaProperties both = new Binder(new MapConfigurationPropertySource(Map.of("plasma.base-path", "/old",
				"plasma.web.base-path", "/new", "plasma.push.max-body-size", "2MB", "plasma.web.max-push-body-size", "3MB")))
			.bind("plasma", PlasmaProperties.class)
			.get();

		assertThat(old.getWeb().getBasePath()).isEqualTo("/old");
		assertThat(old.getWeb().getMaxPushBodySize()).isEqualTo(org.springframework.util.unit.DataSize.ofMegabytes(2));
		assertThat(both.getWeb().getBasePath()).isEqualTo("/new");
		assertThat(both.getWeb().getMaxPushBodySize()).isEqualTo(org.springframework.util.unit.DataSize.ofMegabytes(3));
	}

	@Test
	void theOldNamesAreDeprecatedInTheMetadataInFavourOfPlasmaWeb() throws Exception {
		String metadata;
		try (java.io.InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
		tools.jackson.databind.JsonNode properties = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readTree(metadata)
			.get("properties");
		java.util.Map<String, tools.jackson.databind.JsonNode> byName = new java.util.HashMap<>();
		properties.forEach((property) -> byName.put(property.get("name").stringValue(), property));

		assertThat(byName.get("plasma.base-path").get("deprecation").get("replacement").stringValue())
			.isEqualTo("plasma.web.base-path");
		assertThat(byName.get("plasma.push.max-body-size").get("deprecation").get("replacement").stringValue())
			.isEqualTo("plasma.web.max-push-body-size");
		assertThat(byName.get("plasma.web.max-pull-body-size").get("defaultValue").stringValue()).isEqualTo("64KB");
		assertThat(byName).containsKeys("plasma.push.max-mutations", "plasma.web.connection-wait",
				"plasma.web.retry-after", "plasma.web.cors.allowed-origins");
	}

}
