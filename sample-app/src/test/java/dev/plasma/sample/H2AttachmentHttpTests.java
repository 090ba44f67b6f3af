package dev.plasma.sample;

import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:attachment_http_tests;DB_CLOSE_DELAY=-1")
class H2AttachmentHttpTests extends AbstractAttachmentHttpTests {

}
