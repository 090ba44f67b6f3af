package dev.plasma.sample;

import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@EnabledIf("selected")
class PostgresAttachmentHttpTests extends AbstractAttachmentHttpTests {

	static boolean selected() {
		return SampleDatabases.selected("postgresql");
	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) throws Exception {
		SampleDatabases.postgresql(registry, SampleDatabases.name("files"));
	}

}
