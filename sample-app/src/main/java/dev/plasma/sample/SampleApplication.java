package dev.plasma.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small todo app synced by Plasma. Its tables come from its own Liquibase changelog; Plasma captures
 * every write to {@code todos} and none to {@code drafts} (declared change-log suppressed).
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
