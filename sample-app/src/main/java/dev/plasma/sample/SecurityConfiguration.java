package dev.plasma.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic with four demo users whose passwords equal their names: {@code alice}, {@code bob} and
 * {@code carol} use the todo lists, {@code admin} also reads and drives the {@code plasma} Actuator
 * endpoint. Demo only: never ship passwords like these.
 * <p>
 * The sync endpoints are open to the filter chain: Plasma itself answers a request without credentials
 * with a JSON 401 (and Spring Security a request with wrong ones). {@code /actuator/health} stays open;
 * the rest of the Actuator needs {@code ADMIN}; the browser UI's static files ({@code /}, {@code /app.css},
 * {@code /ui/**}) are open, since the page signs in itself and sends the user's credentials with every sync
 * request; everything else needs a user. Sessions are not created
 * (every request carries its credentials) and CSRF protection is off for these JSON endpoints, which no
 * browser form posts to.
 * <p>
 * The password encoder knows {@code {noop}} only. With Spring Security's default encoder an in-memory
 * user's password is "upgraded" to BCrypt after its first login, and then every request (HTTP Basic
 * authenticates each one) pays a BCrypt check, about 80 ms of CPU on two cores: more than the sync
 * request itself. A real application authenticates with tokens or sessions, not a password hash per
 * request.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
			.permitAll()
			.requestMatchers("/actuator/**")
			.hasRole("ADMIN")
			.requestMatchers("/plasma/**", "/error")
			.permitAll()
			.requestMatchers("/", "/index.html", "/app.css", "/ui/**")
			.permitAll()
			.anyRequest()
			.authenticated())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.ignoringRequestMatchers("/plasma/**", "/todos", "/plain/**", "/actuator/**"))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	@Bean
	@SuppressWarnings("deprecation")
	PasswordEncoder demoPasswordEncoder() {
		return new DelegatingPasswordEncoder("noop", java.util.Map.of("noop", NoOpPasswordEncoder.getInstance()));
	}

	@Bean
	UserDetailsService demoUsers() {
		return new InMemoryUserDetailsManager(demoUser("alice", "USER"), demoUser("bob", "USER"),
				demoUser("carol", "USER"), demoUser("admin", "USER", "ADMIN"));
	}

	private static org.springframework.security.core.userdetails.UserDetails demoUser(String name, String... roles) {
		return User.withUsername(name).password("{noop}" + name).roles(roles).build();
	}

}
