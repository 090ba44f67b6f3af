package dev.plasma.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.plasma.identity.SyncUserResolver;
import dev.plasma.poke.PokeBus;
import dev.plasma.poke.PokeHub;
import dev.plasma.poke.PollingPokeBus;
import dev.plasma.presence.PresenceRooms;
import dev.plasma.web.PokeHandler;
import dev.plasma.web.PokeWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The realtime auto-configuration: on by default in a servlet application, off with
 * {@code plasma.poke.enabled=false}, the WebSocket only with {@code spring-websocket}, and an application's
 * own {@link PokeBus} wins.
 */
class PlasmaPokeAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PlasmaSchemaAutoConfiguration.class,
				PlasmaAutoConfiguration.class, PlasmaClientsAutoConfiguration.class, PlasmaIdentityAutoConfiguration.class,
				PlasmaWebMvcAutoConfiguration.class, PlasmaPokeAutoConfiguration.class))
		.withBean(SyncUserResolver.class, () -> (request) -> request.getHeader("X-User"))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:poke_autoconfig;DB_CLOSE_DELAY=-1",
				"plasma.sequencer.enabled=false");

	@Test
	void pokesPresenceAndTheWebSocketAreOnByDefaultWithAPollingBusOnH2() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PokeHub.class).hasSingleBean(PresenceRooms.class)
				.hasSingleBean(PokeHandler.class).hasSingleBean(PokeWebSocketHandler.class)
				.hasBean("plasmaPokeRouterFunction");
			assertThat(context.getBean(PokeBus.class)).isInstanceOf(PollingPokeBus.class);
		});
	}

	@Test
	void nothingRealtimeIsConfiguredWhenDisabled() {
		this.runner.withPropertyValues("plasma.poke.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PokeHub.class).doesNotHaveBean(PokeBus.class)
				.doesNotHaveBean("plasmaPokeRouterFunction");
		});
	}

	@Test
	void withoutSpringWebSocketOnlyTheEventStreamIsServed() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.web.socket")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PokeHandler.class).doesNotHaveBean(PokeWebSocketHandler.class);
		});
	}

	@Test
	void anApplicationBusReplacesPlasmasOwn() {
		PokeBus own = new PokeBus() {
			@Override
			public void publishHead(dev.plasma.poke.HeadAdvanced head) {
			}

			@Override
			public void publishRoom(String room) {
			}

			@Override
			public void subscribe(Subscriber subscriber) {
			}

			@Override
			public boolean deliversRemoteRoomChanges() {
				return true;
			}
		};
		this.runner.withBean(PokeBus.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PokeBus.class)).isSameAs(own);
			assertThat(context).hasSingleBean(PokeHub.class);
		});
	}

}
