package dev.plasma.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small shared todo app synced by Plasma, for the demo users of {@link SecurityConfiguration}. Its
 * tables come from its own Liquibase changelog; Plasma captures every write to {@code lists},
 * {@code list_members} and {@code todos} and none to {@code drafts} (declared change-log suppressed).
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
