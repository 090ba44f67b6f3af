package dev.plasma.sample;

import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@EnabledIf("selected")
class MariaDbAttachmentHttpTests extends AbstractAttachmentHttpTests {

	static boolean selected() {
		return SampleDatabases.selected("mariadb");
	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) throws Exception {
		SampleDatabases.mariadb(registry, SampleDatabases.name("files"));
	}

}
